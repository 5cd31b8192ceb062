// sckl runs programs with an argv through one runner (process.cc), never
// through a shell: a file name or a value from a config file must never be
// parsed as shell syntax. This test reads the sources of src/ and hooks/ and
// fails on system(), popen(), a shell named as a program (exec*, Command,
// Boost.Process) and Boost.Process's shell and system helpers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Literal {
  std::string text;
  int line;
};

// Splits C++ source into code without comments (string and character
// literals blanked to "") and the string literals themselves.
void lex(const std::string& src, std::string* code, std::vector<Literal>* literals) {
  int line = 1;
  size_t i = 0;
  auto at = [&](size_t k) { return k < src.size() ? src[k] : '\0'; };
  while (i < src.size()) {
    char c = src[i];
    if (c == '\n') ++line;
    if (c == '/' && at(i + 1) == '/') {
      while (i < src.size() && src[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && at(i + 1) == '*') {
      i += 2;
      while (i < src.size() && !(src[i] == '*' && at(i + 1) == '/')) line += src[i++] == '\n';
      i += 2;
      *code += ' ';
      continue;
    }
    if (c == 'R' && at(i + 1) == '"') {  // raw string R"delim(...)delim"
      size_t open = src.find('(', i + 2);
      std::string close = ")" + src.substr(i + 2, open - i - 2) + "\"";
      size_t end = src.find(close, open);
      std::string text = src.substr(open + 1, end - open - 1);
      literals->push_back({text, line});
      line += static_cast<int>(std::count(text.begin(), text.end(), '\n'));
      *code += "\"\"";
      i = end + close.size();
      continue;
    }
    if (c == '"' || c == '\'') {
      std::string text;
      ++i;
      while (i < src.size() && src[i] != c) {
        if (src[i] == '\\' && i + 1 < src.size()) {
          char e = src[i + 1];
          text += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          i += 2;
        } else {
          text += src[i++];
        }
      }
      ++i;
      if (c == '"') literals->push_back({text, line});
      *code += c == '"' ? "\"\"" : "' '";
      continue;
    }
    *code += c;
    ++i;
  }
}

// Each finding as "LINE: what".
std::vector<std::string> shell_uses(const std::string& src) {
  std::string code;
  std::vector<Literal> literals;
  lex(src, &code, &literals);
  std::vector<std::string> found;
  auto line_of = [&](size_t pos) { return 1 + static_cast<int>(std::count(code.begin(), code.begin() + pos, '\n')); };
  // A call of system() or popen() (not a member such as obj.system(), not
  // system_error()); Boost.Process's shell, system and spawn helpers.
  const std::regex calls(R"((^|[^.>\w])(system|popen)\s*\()");
  const std::regex boost(R"(\b(bp|process)\s*::\s*(shell|system|spawn)\b)");
  for (const std::regex* re : {&calls, &boost})
    for (auto it = std::sregex_iterator(code.begin(), code.end(), *re); it != std::sregex_iterator(); ++it)
      found.push_back(std::to_string(line_of(static_cast<size_t>(it->position()))) + ": " + it->str());
  // A shell named as a program, whatever runs it (execl/execv*, Command,
  // bp::child), or a command line handed to one.
  const std::regex shell_literal(R"(^((/usr)?/bin/)?(sh|bash|dash|zsh|ksh|busybox)$)");
  const std::regex shell_line(R"(^((/usr)?/bin/)?(sh|bash|dash)\s+-c\b)");
  for (const auto& l : literals)
    if (std::regex_search(l.text, shell_literal) || std::regex_search(l.text, shell_line))
      found.push_back(std::to_string(l.line) + ": \"" + l.text + "\"");
  return found;
}

TEST(NoShell, TheScannerFindsPlantedShellUses) {
  const char* planted[] = {
      "int f() { return std::system(\"reboot\"); }",
      "void f() { system (cmd.c_str()); }",
      "FILE* p = popen(\"ls\", \"r\");",
      "execl(\"/bin/sh\", \"sh\", \"-c\", line, nullptr);",
      "char* a[] = {(char*)\"bash\", nullptr}; execvp(a[0], a);",
      "sys.run(Command{{\"sh\", \"-c\", \"echo $X\"}});",
      "Command c({\"/usr/bin/bash\", script});",
      "bp::child c(bp::shell, \"ls\");",
      "int r = bp::system(\"kexec -e\");",
      "boost::process::spawn(\"x\");",
      "const char* k = \"sh -c 'kexec -l $K'\";",
      "auto s = R\"(/bin/sh)\";",
  };
  for (const char* p : planted) EXPECT_FALSE(shell_uses(p).empty()) << p;
}

TEST(NoShell, TheScannerLeavesArgvOnlyCodeAlone) {
  const char* clean[] = {
      "return system_error(\"cannot read \" + path, errno);",
      "auto r = sys.run(Command{{\"kexec\", \"-l\", image}});",
      "// never std::system(\"x\") or popen(), and no \"sh\" -c",
      "/* system(\"reboot\") */ int x = 1;",
      "log_info(\"the shell is never used: system( popen( sh -c \");",
      "int n = obj.system(1) + ptr->popen(2);",
      "const char* f = \"/usr/share/debconf/frontend\"; ::execv(f, args.data());",
      "Result<RootFilesystem> detect_root_filesystem(System& sys);",
      "char c = '\"'; std::string s = \"shell\";",
  };
  for (const char* c : clean) {
    auto found = shell_uses(c);
    EXPECT_TRUE(found.empty()) << c << " -> " << (found.empty() ? "" : found[0]);
  }
}

TEST(NoShell, SourcesOfScklRunNoShell) {
  int files = 0;
  bool saw_runner = false;
  std::vector<std::string> findings;
  for (const char* dir : {"src", "hooks"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(SCKL_SOURCE_DIR) / dir)) {
      const std::string ext = e.path().extension().string();
      if (ext != ".cc" && ext != ".h") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::string src((std::istreambuf_iterator<char>(in)), {});
      ++files;
      saw_runner = saw_runner || e.path().filename() == "process.cc";
      for (const auto& f : shell_uses(src)) findings.push_back(e.path().string() + ":" + f);
    }
  }
  // Guard against scanning nothing (a wrong SCKL_SOURCE_DIR).
  EXPECT_GE(files, 40);
  EXPECT_TRUE(saw_runner);
  std::string all;
  for (const auto& f : findings) all += "\n  " + f;
  EXPECT_TRUE(findings.empty()) << "a shell is used (run programs through System::run with an argv):" << all;
}

}  // namespace
