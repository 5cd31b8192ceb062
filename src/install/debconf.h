// Talking to debconf from a compiled maintainer script (debconf-devel(7)).
// The shell confmodule re-executes the script under
// /usr/share/debconf/frontend and then moves the command stream to fd 3;
// connect_debconf() does the same for a C++ script. Questions go through the
// Debconf interface so that the decisions are tested with a fake.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/error.h"

namespace sckl {

class Debconf {
 public:
  virtual ~Debconf() = default;
  // Current value; nullopt when the question does not exist (its package
  // has not registered it).
  virtual Result<std::optional<std::string>> get(const std::string& question) = 0;
  virtual Status set(const std::string& question, const std::string& value) = 0;
  // Removes this package's own questions (db_purge).
  virtual Status purge() = 0;
  // Queues a question for display: true when the frontend will show it,
  // false when it skips it (debconf's code 30: priority too low, already
  // seen, or a frontend that shows nothing such as noninteractive).
  virtual Result<bool> input(const std::string& priority, const std::string& question) = 0;
  // Shows the queued questions: false when the admin chose to go back.
  virtual Result<bool> go() = 0;
  virtual Status fset(const std::string& question, const std::string& flag, const std::string& value) = 0;
  // Fills ${key} in the question's text.
  virtual Status subst(const std::string& question, const std::string& key, const std::string& value) = 0;
  // Loads a templates file (X_LOADTEMPLATEFILE, debconf-devel(7)) with this
  // package as the owner: the question of each template is created, owned
  // by this package, as debconf-set-selections creates the questions of a
  // package not installed yet. A question that exists gets this package as
  // one more owner and the file's template text.
  virtual Status load_templates(const std::string& path) = 0;
  // Removes this package from the question's owners (UNREGISTER); debconf
  // deletes a question that no package owns any more. A question that does
  // not exist is no error.
  virtual Status unregister(const std::string& question) = 0;
};

// Splits a reply "CODE[ TEXT]" (without newline).
struct DebconfReply {
  int code = -1;
  std::string text;
};
std::optional<DebconfReply> parse_debconf_reply(const std::string& line);

// The protocol over two file descriptors: commands written to `out_fd`,
// replies read from `in_fd`.
class DebconfProtocol : public Debconf {
 public:
  DebconfProtocol(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {}
  Result<std::optional<std::string>> get(const std::string& question) override;
  Status set(const std::string& question, const std::string& value) override;
  Status purge() override;
  Result<bool> input(const std::string& priority, const std::string& question) override;
  Result<bool> go() override;
  Status fset(const std::string& question, const std::string& flag, const std::string& value) override;
  Status subst(const std::string& question, const std::string& key, const std::string& value) override;
  Status load_templates(const std::string& path) override;
  Status unregister(const std::string& question) override;

  // One command and debconf's reply, whatever its status code (an Error
  // only when the exchange itself fails: a write, a read, a garbled reply).
  // Callers that treat some codes as answers (10 "doesn't exist", 30
  // "skipped") look at the code here.
  Result<DebconfReply> exchange(const std::string& line);
  // One command; the reply's text after a 0 status, else an Error that names
  // the command, the code and debconf's text.
  Result<std::string> command(const std::string& line);

 private:
  Result<std::string> read_line();
  // INPUT and GO: true on 0, false on 30, else an Error.
  Result<bool> shown_or_skipped(const std::string& line);
  int in_fd_, out_fd_;
  std::string buffer_;
};

// For a maintainer script's main(): when debconf is installed and the
// script is not yet under a frontend, replaces the process with
// `/usr/share/debconf/frontend <script> <args...>` (does not return on
// success). Under the frontend, moves the command stream to fd 3 as
// confmodule does and returns a connected client. Returns nullptr when
// debconf is not installed or when acting on another root (DPKG_ROOT),
// whose debconf database is not the one the frontend would open.
std::unique_ptr<Debconf> connect_debconf(int argc, char** argv);

}  // namespace sckl
