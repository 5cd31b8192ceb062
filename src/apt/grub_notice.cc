#include "apt/grub_notice.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>

#include "apt/apt_cache_facts.h"
#include "apt/grub_guard.h"
#include "base/log.h"

namespace sckl {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

struct Installing {
  std::string name;
  std::string version;
};

// The packages apt is about to install, from a notification's "packages".
std::vector<Installing> packages_being_installed(const JsonValue& params) {
  std::vector<Installing> out;
  const JsonValue* pkgs = params.find("packages");
  if (!pkgs || pkgs->kind != JsonValue::Kind::Array) return out;
  for (const auto& p : pkgs->items) {
    std::string mode = p.string_member("mode");
    if (mode != "install" && mode != "upgrade" && mode != "downgrade" && mode != "reinstall") continue;
    std::string version;
    if (const JsonValue* versions = p.find("versions"))
      if (const JsonValue* install = versions->find("install")) version = install->string_member("version");
    out.push_back({p.string_member("name"), version});
  }
  return out;
}

std::vector<std::string> refusal_notices(const JsonValue& params, AptPackageFacts& facts) {
  std::vector<std::string> names;
  for (const auto& i : packages_being_installed(params)) names.push_back(i.name);
  std::vector<std::string> refused;
  for (const auto& term : params.string_items("search-terms")) {
    std::string pkg = package_of_term(term);
    // A bootloader in apt's install list got past the pin (PKG=VERSION):
    // the Pre-Install-Pkgs hook has said its piece already.
    if (is_bootloader_package(pkg) && !contains(names, pkg) && !contains(refused, pkg)) refused.push_back(pkg);
  }
  std::vector<std::string> out;
  for (const auto& pkg : refused) {
    out.push_back("refused to install " + pkg + ": " + grub_refusal_reason() + ".");
    out.push_back("to install it anyway: " + grub_override_command(pkg, facts.newest_version(pkg)));
  }
  return out;
}

std::vector<std::string> declined_notices(const JsonValue& params, AptPackageFacts& facts) {
  auto installing = packages_being_installed(params);
  std::vector<std::string> names;
  for (const auto& i : installing) names.push_back(i.name);
  std::vector<std::string> declined, by;
  for (const auto& i : installing) {
    for (const auto& group : facts.recommends(i.name, i.version)) {
      auto boot = std::find_if(group.begin(), group.end(), [](const std::string& n) { return is_bootloader_package(n); });
      if (boot == group.end()) continue;
      bool met = std::any_of(group.begin(), group.end(),
                             [&](const std::string& n) { return contains(names, n) || facts.installed(n); });
      if (met) continue;
      if (!contains(declined, *boot)) declined.push_back(*boot);
      if (!contains(by, i.name)) by.push_back(i.name);
    }
  }
  if (declined.empty()) return {};
  return {"declined " + joined(declined) + " (recommended by " + joined(by) + "): " + grub_refusal_reason() + "."};
}

// Reads from FD until "\n\n" has arrived (kept in BUF) or the peer closed.
Status read_until_blank_line(int fd, std::string& buf) {
  char chunk[4096];
  while (buf.find("\n\n") == std::string::npos) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error("reading apt's JSON hook socket", errno);
    if (n == 0) return {};
    buf.append(chunk, static_cast<size_t>(n));
  }
  return {};
}

Status write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error("writing apt's JSON hook socket", errno);
    done += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace

std::string grub_refusal_reason() {
  return "this server is booted by its provider's kernel and sckl switches into the kernel on its disk, so a "
         "bootloader there would never run and could only overwrite the disk's boot sector";
}

std::string package_of_term(const std::string& term) { return term.substr(0, term.find_first_of("=/:")); }

std::string grub_override_command(const std::string& package, const std::string& version) {
  return "apt -o Sckl::Allow-Grub=true install " + package + "=" + (version.empty() ? "VERSION" : version);
}

std::vector<std::string> json_hook_notices(const JsonValue& notification, AptPackageFacts& facts) {
  std::string method = notification.string_member("method");
  const JsonValue* params = notification.find("params");
  if (!params || params->kind != JsonValue::Kind::Object) return {};
  if (method == "org.debian.apt.hooks.install.fail") return refusal_notices(*params, facts);
  // After the package lists, before the statistics and the prompt.
  if (method == "org.debian.apt.hooks.install.package-list") return declined_notices(*params, facts);
  return {};
}

Status serve_json_hook(int fd, AptPackageFacts& facts) {
  std::string buf;
  SCKL_TRY(read_until_blank_line(fd, buf));
  auto end = buf.find("\n\n");
  if (end == std::string::npos) return Error{"apt closed the JSON hook socket before its hello", EPROTO, {}};
  auto hello = parse_json(buf.substr(0, end));
  if (!hello.ok()) return hello.error().with_hint("apt's hello message");
  if (hello.value().string_member("method") != "org.debian.apt.hooks.hello")
    return Error{"apt's first JSON hook message is not its hello", EPROTO, {}};
  // The id as apt wrote it (a number nlohmann has already checked).
  JsonOut id = 0;
  if (const JsonValue* v = hello.value().find("id"); v && v->kind == JsonValue::Kind::Number)
    id = JsonOut::parse(v->text, nullptr, /*allow_exceptions=*/false);
  if (id.is_discarded()) id = 0;
  // Version 0.2 is mandatory for apt to support (and sends "upgrade" modes).
  JsonOut reply = {{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"version", "0.2"}}}};
  SCKL_TRY(write_all(fd, json_text(reply) + "\n\n"));
  buf.erase(0, end + 2);
  // apt sends one notification and a bye, then closes its end.
  while (true) {
    SCKL_TRY(read_until_blank_line(fd, buf));
    end = buf.find("\n\n");
    std::string message = buf.substr(0, end);
    buf.erase(0, end == std::string::npos ? buf.size() : end + 2);
    if (message.find_first_not_of(" \t\r\n") != std::string::npos) {
      auto note = parse_json(message);
      if (!note.ok()) return note.error();
      if (note.value().string_member("method") == "org.debian.apt.hooks.bye") return {};
      for (const auto& line : json_hook_notices(note.value(), facts)) log_info(line);
    }
    if (end == std::string::npos) return {};  // apt closed the socket
  }
}

int apt_grub_notice_main() {
  const char* fd_text = std::getenv("APT_HOOK_SOCKET");
  char* rest = nullptr;
  long fd = fd_text ? std::strtol(fd_text, &rest, 10) : -1;
  if (!fd_text || *fd_text == '\0' || *rest != '\0' || fd < 0 || fd > 65535) {
    log_error("apt-grub-notice: APT_HOOK_SOCKET is not set to a file descriptor: this is apt's JSON hook "
              "(AptCli::Hooks::Install in /etc/apt/apt.conf.d/50sckl-refuse-grub), run by apt only");
    return 2;
  }
  AptCacheFacts facts;
  Status st = serve_json_hook(static_cast<int>(fd), facts);
  if (!st.ok()) log_warning("apt-grub-notice: " + st.error().describe() + "; apt goes on without sckl's notes");
  return 0;
}

}  // namespace sckl
