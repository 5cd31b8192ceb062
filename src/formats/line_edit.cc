#include "formats/line_edit.h"

#include <algorithm>

namespace sckl {
namespace {

struct Lines {
  std::vector<std::string> lines;
  bool final_newline = false;
};

Lines split(const std::string& text) {
  Lines out;
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    if (nl == std::string::npos) {
      out.lines.push_back(text.substr(i));
      return out;
    }
    out.lines.push_back(text.substr(i, nl - i));
    i = nl + 1;
  }
  out.final_newline = !text.empty();
  return out;
}

std::string join(const std::vector<std::string>& lines, bool final_newline) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  if (final_newline && !lines.empty()) out += '\n';
  return out;
}

// Start indexes of `block` in `lines`.
std::vector<size_t> find_block(const std::vector<std::string>& lines, const std::vector<std::string>& block) {
  std::vector<size_t> at;
  if (block.empty() || block.size() > lines.size()) return at;
  for (size_t i = 0; i + block.size() <= lines.size(); ++i)
    if (std::equal(block.begin(), block.end(), lines.begin() + static_cast<long>(i))) at.push_back(i);
  return at;
}

}  // namespace

std::optional<LineEdit> diff_lines(const std::string& before, const std::string& after) {
  const auto a = split(before).lines;
  const auto b = split(after).lines;
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  LineEdit e{{a.begin() + static_cast<long>(head), a.end() - static_cast<long>(tail)},
             {b.begin() + static_cast<long>(head), b.end() - static_cast<long>(tail)}};
  if (e.removed.empty() && e.added.empty()) return std::nullopt;
  return e;
}

LineRevert revert_line_edit(const std::string& current, const LineEdit& edit) {
  Lines cur = split(current);
  LineRevert out;
  auto at = find_block(cur.lines, edit.added);
  if (at.size() == 1) {
    auto pos = cur.lines.begin() + static_cast<long>(at[0]);
    pos = cur.lines.erase(pos, pos + static_cast<long>(edit.added.size()));
    cur.lines.insert(pos, edit.removed.begin(), edit.removed.end());
    out.complete = true;
  } else if (edit.removed.empty() && !edit.added.empty()) {
    for (const auto& line : edit.added) {
      auto n = std::count(cur.lines.begin(), cur.lines.end(), line);
      if (n == 1) cur.lines.erase(std::find(cur.lines.begin(), cur.lines.end(), line));
      else out.kept.push_back(line);
    }
    out.complete = out.kept.empty();
  } else {
    out.kept = edit.added;
  }
  out.text = join(cur.lines, cur.final_newline);
  out.changed = out.text != current;
  return out;
}

}  // namespace sckl
