#include "install/debconf.h"

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

namespace sckl {
namespace {

TEST(DebconfReply, Parses) {
  auto r = parse_debconf_reply("0 true");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 0);
  EXPECT_EQ(r->text, "true");
  EXPECT_EQ(parse_debconf_reply("0")->text, "");
  EXPECT_EQ(parse_debconf_reply("10 q doesn't exist")->code, 10);
  EXPECT_FALSE(parse_debconf_reply("ok"));
  EXPECT_FALSE(parse_debconf_reply("0true"));
  EXPECT_FALSE(parse_debconf_reply(""));
}

// A scripted debconf on the other end of a socket pair.
class DebconfPeer {
 public:
  explicit DebconfPeer(std::vector<std::pair<std::string, std::string>> script) {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ours = sv[0];
    theirs = sv[1];
    thread = std::thread([this, script] {
      std::string buf;
      for (const auto& [expect, reply] : script) {
        while (buf.find('\n') == std::string::npos) {
          char c[256];
          ssize_t n = ::read(theirs, c, sizeof c);
          if (n <= 0) return;
          buf.append(c, static_cast<size_t>(n));
        }
        std::string line = buf.substr(0, buf.find('\n'));
        buf.erase(0, buf.find('\n') + 1);
        received.push_back(line);
        if (line != expect) mismatches.push_back(line + " != " + expect);
        std::string out = reply + "\n";
        EXPECT_EQ(::write(theirs, out.data(), out.size()), static_cast<ssize_t>(out.size()));
      }
      ::close(theirs);
    });
  }
  ~DebconfPeer() {
    thread.join();
    ::close(ours);
  }
  int ours = -1, theirs = -1;
  std::thread thread;
  std::vector<std::string> received, mismatches;
};

TEST(DebconfProtocol, GetSetPurgeSpeakTheProtocol) {
  DebconfPeer peer({{"GET kexec-tools/load_kexec", "0 true"},
                    {"SET kexec-tools/load_kexec false", "0 value set"},
                    {"GET sckl/none", "10 sckl/none doesn't exist"},
                    {"PURGE", "0"}});
  DebconfProtocol dc(peer.ours, peer.ours);
  auto v = dc.get("kexec-tools/load_kexec");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value(), "true");
  EXPECT_TRUE(dc.set("kexec-tools/load_kexec", "false").ok());
  auto none = dc.get("sckl/none");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value().has_value());
  EXPECT_TRUE(dc.purge().ok());
  ::shutdown(peer.ours, SHUT_WR);
  EXPECT_TRUE(peer.mismatches.empty());
}

// The codes that answer rather than fail: 30 (INPUT skipped, GO back) and
// 10 for UNREGISTER of a question that does not exist (but not 10 "busy").
TEST(DebconfProtocol, SkippedAndMissingAreAnswersNotErrors) {
  DebconfPeer peer({{"INPUT high sckl/a", "30 question skipped"},
                    {"INPUT high sckl/b", "0 question will be asked"},
                    {"GO", "30 backup"},
                    {"UNREGISTER sckl/gone", "10 sckl/gone doesn't exist"},
                    {"UNREGISTER sckl/held", "10 sckl/held is busy, cannot unregister right now"},
                    {"INPUT high sckl/c", "20 Unsupported command"}});
  DebconfProtocol dc(peer.ours, peer.ours);
  auto skipped = dc.input("high", "sckl/a");
  ASSERT_TRUE(skipped.ok());
  EXPECT_FALSE(skipped.value());
  auto shown = dc.input("high", "sckl/b");
  ASSERT_TRUE(shown.ok());
  EXPECT_TRUE(shown.value());
  auto back = dc.go();
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back.value());
  EXPECT_TRUE(dc.unregister("sckl/gone").ok());
  auto busy = dc.unregister("sckl/held");
  ASSERT_FALSE(busy.ok());
  EXPECT_NE(busy.error().message.find("busy"), std::string::npos) << busy.error().message;
  auto bad = dc.input("high", "sckl/c");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("INPUT high sckl/c"), std::string::npos) << bad.error().message;
  ::shutdown(peer.ours, SHUT_WR);
  EXPECT_TRUE(peer.mismatches.empty());
}

TEST(DebconfProtocol, RefusalsAndHangUpsAreErrorsThatSayWhat) {
  DebconfPeer peer(std::vector<std::pair<std::string, std::string>>{{"SET a/b c", "20 Unsupported command"}});
  DebconfProtocol dc(peer.ours, peer.ours);
  auto st = dc.set("a/b", "c");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("SET a/b c"), std::string::npos);
  EXPECT_NE(st.error().message.find("20 Unsupported command"), std::string::npos) << st.error().message;
  // A refusal is debconf's answer, not a system call's failure: no errno.
  EXPECT_EQ(st.error().errnum, 0);
  auto gone = dc.get("x/y");  // the peer has closed
  ASSERT_FALSE(gone.ok());
  // Either the write meets EPIPE or the read meets end of file: both say so.
  EXPECT_NE(gone.error().message.find("debconf"), std::string::npos);
  EXPECT_FALSE(dc.set("a/b", "two\nlines").ok());
}

}  // namespace
}  // namespace sckl
