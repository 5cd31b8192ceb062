#include "cli.h"

#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "log.h"
#include "manifest.h"
#include "paths.h"
#include "process.h"
#include "setup.h"
#include "sha256.h"

namespace sckl {
namespace {

// Exit codes (documented in sckl(8)).
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct Options {
  std::string root = "/";
  bool json = false;
  bool first_boot = false;
  std::vector<std::string> args;
};

struct Verb {
  const char* name;
  const char* summary;
  int (*run)(const Options&);
};

int cmd_help(const Options&);

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

int report(const Status& st) {
  if (st.ok()) return kExitOk;
  log_error(st.error().describe());
  return kExitFailed;
}

int cmd_setup(const Options& o) {
  if (o.root != "/") {
    // The setup reads the running machine (/proc, /sys, blkid): under
    // another root it would describe this host, not the image.
    log_error("'setup' describes the running machine and cannot act on --root " + o.root +
              "; in an image it runs on the first boot by itself (sckl-setup.service)");
    return kExitUsage;
  }
  RealSystem sys(o.root);
  if (o.first_boot && o.root == "/") {
    // On an image's first boot / may still be read-only (no fstab entry
    // yet): make it writable for the edit; the new entry keeps it so.
    auto r = sys.run(Command{{"mount", "-o", "remount,rw", "/"}, std::chrono::seconds(30), {}});
    if (!r.ok()) return report(r.error());
    if (r.value().exit_code != 0)
      return report(command_failed(Command{{"mount", "-o", "remount,rw", "/"}, {}, {}}, r.value()));
  }
  return report(setup_machine(sys));
}

const char* file_state(System& sys, const FileChange& f) {
  auto st = sys.stat(f.path);
  if (!st.ok()) return "unreadable";
  std::string cur = kAbsent;
  if (st.value().kind == FileKind::Regular) {
    auto data = sys.read_file(f.path);
    if (!data.ok()) return "unreadable";
    cur = sha256_hex(data.value());
  } else if (st.value().kind != FileKind::Missing) {
    return "replaced";
  }
  if (cur == f.written_sha || cur == f.pending_sha) return "sckl";
  if (cur == f.original_sha) return "original";
  return "changed-by-admin";
}

int cmd_status(const Options& o) {
  RealSystem sys(o.root);
  auto m = load_manifest(sys);
  if (!m.ok()) return report(m.error());
  auto pending_or = path_exists(sys, paths::kFirstBootPending);
  if (!pending_or.ok()) return report(pending_or.error());
  const bool pending = pending_or.value();
  if (o.json) {
    std::cout << "{\"version\":" << json_string(SCKL_VERSION) << ",\"first_boot_pending\":" << (pending ? "true" : "false")
              << ",\"changes\":[";
    bool first = true;
    for (const auto& f : m.value().files) {
      std::cout << (first ? "" : ",") << "{\"path\":" << json_string(f.path)
                << ",\"created\":" << (f.original_sha == kAbsent ? "true" : "false")
                << ",\"state\":" << json_string(file_state(sys, f)) << "}";
      first = false;
    }
    std::cout << "]}\n";
    return kExitOk;
  }
  std::cout << "sckl " << SCKL_VERSION << "\n";
  if (pending) std::cout << "first boot setup: pending (fstab and NIC names are fitted on the next boot)\n";
  if (m.value().files.empty()) std::cout << "changes: none recorded\n";
  else std::cout << "changes (undone by 'apt purge sckl'):\n";
  for (const auto& f : m.value().files)
    std::cout << "  " << f.path << "  " << (f.original_sha == kAbsent ? "created" : "edited") << ", now "
              << file_state(sys, f) << "\n";
  return kExitOk;
}

int cmd_version(const Options&) {
  std::cout << "sckl " << SCKL_VERSION << "\n";
  return kExitOk;
}

const Verb kVerbs[] = {
    {"status", "show what sckl changed on this system (--json for scripts)", cmd_status},
    {"setup", "fit /etc/fstab and NIC names to this machine (run on an image's first boot)", cmd_setup},
    {"version", "print the version", cmd_version},
    {"help", "show this help", cmd_help},
};

int cmd_help(const Options&) {
  std::cout << "Usage: sckl [--root DIR] VERB [OPTIONS]\n\n"
               "Run the kernel installed on this server's disk instead of the provider's kernel.\n\n"
               "Verbs:\n";
  for (const auto& v : kVerbs) std::printf("  %-8s %s\n", v.name, v.summary);
  std::cout << "\nOptions:\n"
               "  --root DIR     act on the system below DIR (default /; also $DPKG_ROOT)\n"
               "  --json         machine-readable output (status)\n"
               "  --first-boot   (setup) remount / read-write first; used by sckl-setup.service\n"
               "  -h, --help     show this help\n"
               "  --version      print the version\n\n"
               "Exit codes: 0 success, 1 failure (the message names what failed), 2 wrong usage.\n"
               "See sckl(8).\n";
  return kExitOk;
}

}  // namespace

int cli_main(int argc, char** argv) {
  Options o;
  if (const char* r = std::getenv("DPKG_ROOT"); r && *r) o.root = r;
  const Verb* verb = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") return cmd_help(o);
    if (a == "--version") return cmd_version(o);
    if (a == "--json") o.json = true;
    else if (a == "--first-boot") o.first_boot = true;
    else if (a == "--root" || a.starts_with("--root=")) {
      if (a == "--root") {
        if (i + 1 >= argc) {
          log_error("--root needs a directory; see 'sckl --help'");
          return kExitUsage;
        }
        o.root = argv[++i];
      } else {
        o.root = a.substr(7);
      }
      if (o.root.empty() || o.root[0] != '/') {
        log_error("--root needs an absolute directory, not '" + o.root + "'");
        return kExitUsage;
      }
    } else if (a.starts_with("-")) {
      log_error("unknown option '" + a + "'; see 'sckl --help'");
      return kExitUsage;
    } else if (!verb) {
      for (const auto& v : kVerbs)
        if (a == v.name) verb = &v;
      if (!verb) {
        log_error("unknown verb '" + a + "'; see 'sckl --help'");
        return kExitUsage;
      }
    } else {
      o.args.push_back(a);
    }
  }
  if (!verb) {
    log_error("no verb given; see 'sckl --help'");
    return kExitUsage;
  }
  if (!o.args.empty()) {
    log_error(std::string("'") + verb->name + "' takes no argument '" + o.args[0] + "'");
    return kExitUsage;
  }
  if (o.json && std::strcmp(verb->name, "status") != 0) {
    log_error(std::string("--json goes with 'status', not '") + verb->name + "'");
    return kExitUsage;
  }
  return verb->run(o);
}

}  // namespace sckl
