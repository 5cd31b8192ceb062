#include "install/debconf.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "base/log.h"
#include "base/system.h"

namespace sckl {
namespace {

constexpr const char* kFrontend = "/usr/share/debconf/frontend";

// Values travel on one line: refuse what would break the protocol.
bool one_line(const std::string& s) { return s.find_first_of("\n\r") == std::string::npos; }

}  // namespace

std::optional<DebconfReply> parse_debconf_reply(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  if (i == 0 || i > 4) return std::nullopt;
  DebconfReply r;
  r.code = std::atoi(line.substr(0, i).c_str());
  if (i < line.size()) {
    if (line[i] != ' ') return std::nullopt;
    r.text = line.substr(i + 1);
  }
  return r;
}

Result<std::string> DebconfProtocol::read_line() {
  for (;;) {
    auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    char buf[4096];
    ssize_t n = ::read(in_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error("cannot read debconf's reply", errno);
    if (n == 0) return Error{"debconf closed the connection", EPIPE, {}};
    buffer_.append(buf, static_cast<size_t>(n));
  }
}

Result<DebconfReply> DebconfProtocol::exchange(const std::string& line) {
  if (!one_line(line)) return Error{"internal error: debconf command with a line break", EINVAL, {}};
  std::string out = line + "\n";
  // A frontend that went away must be an EPIPE error, not a silent death by
  // SIGPIPE. Ignore it only around the write: children inherit an ignored
  // SIGPIPE across exec.
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  size_t off = 0;
  int write_errno = 0;
  while (off < out.size()) {
    ssize_t n = ::write(out_fd_, out.data() + off, out.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      write_errno = errno;
      break;
    }
    off += static_cast<size_t>(n);
  }
  ::sigaction(SIGPIPE, &previous, nullptr);
  if (write_errno) return system_error("cannot send '" + line + "' to debconf", write_errno);
  auto reply = read_line();
  if (!reply.ok()) return reply.error();
  auto parsed = parse_debconf_reply(reply.value());
  if (!parsed) return Error{"debconf answered '" + line + "' with '" + reply.value() + "'", EPROTO, {}};
  return *parsed;
}

namespace {

// debconf's codes that answer rather than fail (debconf-devel(7)): 10 "the
// question doesn't exist" (also "busy" for UNREGISTER), 30 "question
// skipped" (INPUT) and "go back" (GO).
constexpr int kCodeNoSuchQuestion = 10;
constexpr int kCodeSkipped = 30;

Error refused(const std::string& line, const DebconfReply& reply) {
  return Error{"debconf refused '" + line + "': " + std::to_string(reply.code) + " " + reply.text, 0, {}};
}

}  // namespace

Result<std::string> DebconfProtocol::command(const std::string& line) {
  auto reply = exchange(line);
  if (!reply.ok()) return reply.error();
  if (reply.value().code != 0) return refused(line, reply.value());
  return reply.value().text;
}

Result<std::optional<std::string>> DebconfProtocol::get(const std::string& question) {
  const std::string line = "GET " + question;
  auto r = exchange(line);
  if (!r.ok()) return r.error();
  if (r.value().code == 0) return std::optional<std::string>(r.value().text);
  if (r.value().code == kCodeNoSuchQuestion) return std::optional<std::string>();
  return refused(line, r.value());
}

Status DebconfProtocol::set(const std::string& question, const std::string& value) {
  if (!one_line(value)) return Error{"cannot store a line break in debconf question " + question, EINVAL, {}};
  auto r = command("SET " + question + " " + value);
  if (!r.ok()) return r.error();
  return {};
}

Status DebconfProtocol::purge() {
  auto r = command("PURGE");
  if (!r.ok()) return r.error();
  return {};
}

Result<bool> DebconfProtocol::shown_or_skipped(const std::string& line) {
  auto r = exchange(line);
  if (!r.ok()) return r.error();
  if (r.value().code == 0) return true;
  if (r.value().code == kCodeSkipped) return false;
  return refused(line, r.value());
}

Result<bool> DebconfProtocol::input(const std::string& priority, const std::string& question) {
  return shown_or_skipped("INPUT " + priority + " " + question);
}

Result<bool> DebconfProtocol::go() { return shown_or_skipped("GO"); }

Status DebconfProtocol::fset(const std::string& question, const std::string& flag, const std::string& value) {
  auto r = command("FSET " + question + " " + flag + " " + value);
  if (!r.ok()) return r.error();
  return {};
}

Status DebconfProtocol::subst(const std::string& question, const std::string& key, const std::string& value) {
  if (!one_line(value)) return Error{"cannot put a line break into debconf question " + question, EINVAL, {}};
  auto r = command("SUBST " + question + " " + key + " " + value);
  if (!r.ok()) return r.error();
  return {};
}

Status DebconfProtocol::load_templates(const std::string& path) {
  // debconf splits the arguments on blanks: a path with one would name another file.
  if (path.find_first_of(" \t") != std::string::npos)
    return Error{"internal error: templates path with a blank: " + path, EINVAL, {}};
  auto r = command("X_LOADTEMPLATEFILE " + path);
  if (!r.ok()) return r.error();
  return {};
}

Status DebconfProtocol::unregister(const std::string& question) {
  const std::string line = "UNREGISTER " + question;
  auto r = exchange(line);
  if (!r.ok()) return r.error();
  if (r.value().code == 0) return {};
  // "10 <q> doesn't exist"; the same code also means "busy", which is an
  // error: only debconf's reply text tells them apart.
  if (r.value().code == kCodeNoSuchQuestion && r.value().text.ends_with("doesn't exist")) return {};
  return refused(line, r.value());
}

std::unique_ptr<Debconf> connect_debconf(int argc, char** argv) {
  if (RealSystem::root_from_environment() != "/") return nullptr;
  if (!std::getenv("DEBIAN_HAS_FRONTEND")) {
    if (::access(kFrontend, X_OK) != 0) return nullptr;  // debconf is not installed
    std::vector<char*> args;
    args.push_back(const_cast<char*>(kFrontend));
    for (int i = 0; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    ::execv(kFrontend, args.data());
    log_warning(std::string("cannot start ") + kFrontend + " (" + std::strerror(errno) +
                "); going on without debconf");
    return nullptr;
  }
  // Under the frontend: its end of the conversation is our stdin/stdout.
  // Like confmodule, keep it on fd 3 and give stdout back to stderr so that
  // messages do not corrupt the protocol.
  if (!std::getenv("DEBCONF_REDIR")) {
    if (::dup2(1, 3) < 0 || ::dup2(2, 1) < 0) {
      log_warning(std::string("cannot set up the debconf connection: ") + std::strerror(errno));
      return nullptr;
    }
    ::setenv("DEBCONF_REDIR", "1", 1);
  }
  return std::make_unique<DebconfProtocol>(0, 3);
}

}  // namespace sckl
