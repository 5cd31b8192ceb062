#include "base/json.h"

#include <cerrno>
#include <string_view>

namespace sckl {

namespace {

// apt's messages nest a few levels; the limit keeps a hostile document from
// exhausting the stack.
constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(const std::string& t) : t_(t) {}

  Result<JsonValue> document() {
    JsonValue v;
    if (!value(v, 0)) return fail();
    skip_space();
    if (pos_ != t_.size()) {
      why_ = "unexpected text after the JSON value";
      return fail();
    }
    return v;
  }

 private:
  Error fail() const {
    return Error{"JSON: " + why_ + " at offset " + std::to_string(pos_), EINVAL, {}};
  }
  void skip_space() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\n' || t_[pos_] == '\r')) ++pos_;
  }
  bool literal(const char* word) {
    std::string w(word);
    if (t_.compare(pos_, w.size(), w) != 0) {
      why_ = "unknown literal";
      return false;
    }
    pos_ += w.size();
    return true;
  }
  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex4(unsigned& out) {
    if (t_.size() - pos_ < 4) {
      why_ = "short \\u escape";
      return false;
    }
    out = 0;
    for (int i = 0; i < 4; ++i) {
      int d = hex_digit(t_[pos_++]);
      if (d < 0) {
        why_ = "bad \\u escape";
        return false;
      }
      out = out * 16 + static_cast<unsigned>(d);
    }
    return true;
  }
  static void put_utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  bool string(std::string& out) {
    ++pos_;  // the opening quote
    while (true) {
      if (pos_ >= t_.size()) {
        why_ = "unterminated string";
        return false;
      }
      char c = t_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) {
        why_ = "control character in a string";
        return false;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= t_.size()) {
        why_ = "unterminated escape";
        return false;
      }
      char e = t_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && t_.compare(pos_, 2, "\\u") == 0) {
            pos_ += 2;
            unsigned low = 0;
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) {
              why_ = "bad surrogate pair";
              return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          put_utf8(out, cp);
          break;
        }
        default:
          why_ = "unknown escape";
          return false;
      }
    }
  }
  bool number(std::string& out) {
    size_t start = pos_;
    if (pos_ < t_.size() && t_[pos_] == '-') ++pos_;
    size_t digits = pos_;
    while (pos_ < t_.size() && std::string_view("0123456789.eE+-").find(t_[pos_]) != std::string_view::npos) ++pos_;
    if (pos_ == digits || t_[digits] < '0' || t_[digits] > '9') {
      why_ = "bad number";
      return false;
    }
    out = t_.substr(start, pos_ - start);
    return true;
  }
  bool value(JsonValue& v, int depth) {
    if (depth > kMaxDepth) {
      why_ = "nested too deeply";
      return false;
    }
    skip_space();
    if (pos_ >= t_.size()) {
      why_ = "unexpected end";
      return false;
    }
    char c = t_[pos_];
    if (c == '{') {
      v.kind = JsonValue::Kind::Object;
      ++pos_;
      skip_space();
      if (pos_ < t_.size() && t_[pos_] == '}') {
        ++pos_;
        return true;
      }
      while (true) {
        skip_space();
        if (pos_ >= t_.size() || t_[pos_] != '"') {
          why_ = "expected a member name";
          return false;
        }
        std::string name;
        if (!string(name)) return false;
        skip_space();
        if (pos_ >= t_.size() || t_[pos_] != ':') {
          why_ = "expected ':'";
          return false;
        }
        ++pos_;
        JsonValue member;
        if (!value(member, depth + 1)) return false;
        v.members.push_back(JsonMember{std::move(name), std::move(member)});
        skip_space();
        if (pos_ < t_.size() && t_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < t_.size() && t_[pos_] == '}') {
          ++pos_;
          return true;
        }
        why_ = "expected ',' or '}'";
        return false;
      }
    }
    if (c == '[') {
      v.kind = JsonValue::Kind::Array;
      ++pos_;
      skip_space();
      if (pos_ < t_.size() && t_[pos_] == ']') {
        ++pos_;
        return true;
      }
      while (true) {
        JsonValue item;
        if (!value(item, depth + 1)) return false;
        v.items.push_back(std::move(item));
        skip_space();
        if (pos_ < t_.size() && t_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < t_.size() && t_[pos_] == ']') {
          ++pos_;
          return true;
        }
        why_ = "expected ',' or ']'";
        return false;
      }
    }
    if (c == '"') {
      v.kind = JsonValue::Kind::String;
      return string(v.text);
    }
    if (c == 't' || c == 'f') {
      v.kind = JsonValue::Kind::Bool;
      v.boolean = c == 't';
      return literal(c == 't' ? "true" : "false");
    }
    if (c == 'n') {
      v.kind = JsonValue::Kind::Null;
      return literal("null");
    }
    v.kind = JsonValue::Kind::Number;
    return number(v.text);
  }

  const std::string& t_;
  size_t pos_ = 0;
  std::string why_;
};

}  // namespace

const JsonValue* JsonValue::find(const std::string& name) const {
  if (kind != Kind::Object) return nullptr;
  for (const auto& [k, v] : members)
    if (k == name) return &v;
  return nullptr;
}

std::string JsonValue::string_member(const std::string& name) const {
  const JsonValue* v = find(name);
  return v && v->kind == Kind::String ? v->text : std::string();
}

std::vector<std::string> JsonValue::string_items(const std::string& name) const {
  std::vector<std::string> out;
  const JsonValue* v = find(name);
  if (!v || v->kind != Kind::Array) return out;
  for (const auto& i : v->items)
    if (i.kind == Kind::String) out.push_back(i.text);
  return out;
}

Result<JsonValue> parse_json(const std::string& text) { return Parser(text).document(); }

std::string json_quote(const std::string& text) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";  // the short forms keep sckl status --json readable
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace sckl
