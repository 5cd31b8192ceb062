// The choice of kexec method and the fallback between them: verdicts from
// facts, and load_kernel on a FakeSystem whose kexec answers as a kernel
// would (scripted exit codes and kexec-tools' messages).
#include "kernel/kexec_method.h"

#include <gtest/gtest.h>

#include "base/paths.h"
#include "fake_system.h"

namespace sckl {
namespace {

using testing::FakeSystem;

KexecMethodFacts plain() {
  KexecMethodFacts f;
  f.kexec_load_disabled = "0\n";
  f.lockdown = "[none] integrity confidentiality";
  f.file_load = FileLoadSupport::Yes;
  f.config_name = "/boot/config-6.1.0-47-cloud-amd64";
  f.image_signed = true;
  return f;
}

TEST(KexecMethod, VerdictsFromFacts) {
  struct Case {
    const char* what;
    void (*set)(KexecMethodFacts&);
    const char* load;
    const char* file;
    std::vector<KexecMethod> order;
  } cases[] = {
      {"plain", [](KexecMethodFacts&) {}, "ok", "ok", {KexecMethod::Load, KexecMethod::FileLoad}},
      {"lockdown integrity, signed",
       [](KexecMethodFacts& f) { f.lockdown = "none [integrity] confidentiality"; },
       "refused by lockdown (integrity)", "ok if the provider kernel trusts the key", {KexecMethod::FileLoad}},
      {"lockdown confidentiality, unsigned",
       [](KexecMethodFacts& f) {
         f.lockdown = "none integrity [confidentiality]";
         f.image_signed = false;
       },
       "refused by lockdown (confidentiality)", "carries no signature", {}},
      {"sysctl", [](KexecMethodFacts& f) { f.kexec_load_disabled = "1\n"; }, "disabled by sysctl",
       "disabled by sysctl", {}},
      {"no CONFIG_KEXEC_FILE", [](KexecMethodFacts& f) { f.file_load = FileLoadSupport::No; }, "ok",
       "unsupported: CONFIG_KEXEC_FILE is not set in /boot/config-6.1.0-47-cloud-amd64", {KexecMethod::Load}},
      {"config unknown", [](KexecMethodFacts& f) { f.file_load = FileLoadSupport::Unknown; }, "ok",
       "the kernel answers when tried", {KexecMethod::Load, KexecMethod::FileLoad}},
      {"no kexec", [](KexecMethodFacts& f) { f.kexec_supported = false; }, "unsupported", "unsupported", {}},
      {"no lockdown LSM", [](KexecMethodFacts& f) { f.lockdown = ""; }, "ok", "ok",
       {KexecMethod::Load, KexecMethod::FileLoad}},
  };
  for (const auto& c : cases) {
    auto f = plain();
    c.set(f);
    auto v = judge_kexec_methods(f);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].method, KexecMethod::Load);
    EXPECT_NE(v[0].verdict.find(c.load), std::string::npos) << c.what << ": " << v[0].verdict;
    EXPECT_NE(v[1].verdict.find(c.file), std::string::npos) << c.what << ": " << v[1].verdict;
    EXPECT_EQ(kexec_method_order(f), c.order) << c.what;
  }
}

TEST(KexecMethod, FailuresFromKexecToolsMessages) {
  EXPECT_EQ(classify_load_failure("kexec_load failed: Operation not permitted\nentry = 0x..."), LoadFailure::Refused);
  EXPECT_EQ(classify_load_failure("kexec_file_load failed: Key was rejected by service"), LoadFailure::KeyRejected);
  EXPECT_EQ(classify_load_failure("kexec_file_load failed: Required key not available"), LoadFailure::KeyRejected);
  EXPECT_EQ(classify_load_failure("syscall kexec_file_load not available."), LoadFailure::Unsupported);
  EXPECT_EQ(classify_load_failure("kexec_load failed: Function not implemented"), LoadFailure::Unsupported);
  EXPECT_EQ(classify_load_failure("kexec_file_load failed: Exec format error"), LoadFailure::BadFormat);
  EXPECT_EQ(classify_load_failure("Cannot open `/boot/vmlinuz-x': No such file or directory"), LoadFailure::Other);
  EXPECT_EQ(classify_load_failure("kexec_load failed: Cannot allocate memory"), LoadFailure::Other);
  EXPECT_TRUE(other_method_may_work(LoadFailure::Refused));
  EXPECT_TRUE(other_method_may_work(LoadFailure::KeyRejected));
  EXPECT_FALSE(other_method_may_work(LoadFailure::Other));
}

TEST(KexecMethod, SignedPeImages) {
  EXPECT_TRUE(pe_image_signed(testing::fake_signed_bzimage()));
  EXPECT_FALSE(pe_image_signed(testing::fake_bzimage()));
  std::string unsigned_pe = testing::fake_signed_bzimage();
  unsigned_pe.replace(0x40 + 24 + 112 + 36, 4, std::string(4, '\0'));  // empty certificate table
  EXPECT_FALSE(pe_image_signed(unsigned_pe));
  // Truncated or pointing outside: no read past the end, not signed.
  std::string head = testing::fake_signed_bzimage();
  for (size_t n : {size_t{0}, size_t{2}, size_t{0x3f}, size_t{0x44}, size_t{0x58}, size_t{0xef}})
    EXPECT_FALSE(pe_image_signed(head.substr(0, n))) << n;
  head[0x3c] = '\xff';
  head[0x3d] = '\xff';
  head[0x3e] = '\xff';
  head[0x3f] = '\xff';
  EXPECT_FALSE(pe_image_signed(head));
}

// A kernel that answers each method with an exit code and kexec-tools' message.
struct Kexec {
  FakeSystem s;
  ProcessResult load{0, "", ""};
  ProcessResult file{0, "", ""};
  Kexec() {
    s.runner = [this](const Command& c) -> Result<ProcessResult> {
      if (c.argv.size() > 2 && c.argv[0] == "kexec" && c.argv[1] == "-l")
        return c.argv[2] == "-s" ? file : load;
      return ProcessResult{127, "", "not found"};
    };
  }
  std::vector<std::string> methods_run() const {
    std::vector<std::string> out;
    for (const auto& c : s.commands_run) out.push_back(c[2]);
    return out;
  }
};

const ProcessResult kEperm{1, "", "kexec_load failed: Operation not permitted\n"};
const ProcessResult kKeyRejected{255, "", "kexec_file_load failed: Key was rejected by service\n"};

TEST(KexecMethod, LoadUsesKexecLoadFirstWithItsFastFlags) {
  Kexec k;
  auto r = load_kernel(k.s, plain(), "/boot/vmlinuz-6.1.0-56-amd64", "/boot/initrd.img-6.1.0-56-amd64", "root=/dev/vda");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().method, KexecMethod::Load);
  EXPECT_EQ(r.value().fallback_note, "");
  ASSERT_EQ(k.s.commands_run.size(), 1u);
  EXPECT_EQ(k.s.commands_run[0],
            (std::vector<std::string>{"kexec", "-l", "-c", "-i", "/boot/vmlinuz-6.1.0-56-amd64",
                                      "--initrd=/boot/initrd.img-6.1.0-56-amd64", "--command-line=root=/dev/vda"}));
}

TEST(KexecMethod, RefusedKexecLoadFallsBackToKexecFileLoad) {
  Kexec k;
  k.load = kEperm;  // an LSM or a lockdown the facts did not show
  auto r = load_kernel(k.s, plain(), "/boot/vmlinuz-x", "/boot/initrd.img-x", "root=/dev/vda");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().method, KexecMethod::FileLoad);
  EXPECT_EQ(k.methods_run(), (std::vector<std::string>{"-c", "-s"}));
  EXPECT_NE(r.value().fallback_note.find("Operation not permitted"), std::string::npos) << r.value().fallback_note;
  EXPECT_EQ(k.s.commands_run[1],
            (std::vector<std::string>{"kexec", "-l", "-s", "/boot/vmlinuz-x", "--initrd=/boot/initrd.img-x",
                                      "--command-line=root=/dev/vda"}));
}

// After a switch that needed kexec_file_load, the next one tries it first
// (no doomed kexec_load each boot); a target it rejects the key of (a new,
// unsigned kernel) goes back to kexec_load.
TEST(KexecMethod, KeyRejectedByKexecFileLoadFallsBackToKexecLoad) {
  auto f = plain();
  f.last_method = "kexec_file_load";
  EXPECT_EQ(kexec_method_order(f), (std::vector<KexecMethod>{KexecMethod::FileLoad, KexecMethod::Load}));
  Kexec k;
  k.file = kKeyRejected;
  auto r = load_kernel(k.s, f, "/boot/vmlinuz-x", "/boot/initrd.img-x", "root=/dev/vda");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().method, KexecMethod::Load);
  EXPECT_EQ(k.methods_run(), (std::vector<std::string>{"-s", "-c"}));
  EXPECT_NE(r.value().fallback_note.find("Key was rejected"), std::string::npos) << r.value().fallback_note;
  // Both refused: both named, nothing loaded.
  Kexec both;
  both.file = kKeyRejected;
  both.load = kEperm;
  auto r2 = load_kernel(both.s, f, "/boot/vmlinuz-x", "/boot/initrd.img-x", "root=/dev/vda");
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("kexec_load failed"), std::string::npos) << r2.error().message;
  EXPECT_NE(r2.error().message.find("Key was rejected"), std::string::npos) << r2.error().message;
  // A remembered method the facts rule out now is not tried.
  f.file_load = FileLoadSupport::No;
  EXPECT_EQ(kexec_method_order(f), (std::vector<KexecMethod>{KexecMethod::Load}));
}

TEST(KexecMethod, UnderLockdownOnlyKexecFileLoadRunsAndKexecLoadIsNamed) {
  Kexec k;
  auto f = plain();
  f.lockdown = "none [integrity] confidentiality";
  k.file = {255, "", "kexec_file_load failed: Operation not permitted\n"};
  auto r = load_kernel(k.s, f, "/boot/vmlinuz-x", "/boot/initrd.img-x", "root=/dev/vda");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(k.methods_run(), (std::vector<std::string>{"-s"}));
  EXPECT_NE(r.error().message.find("kexec_load refused by lockdown (integrity)"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("kexec_file_load failed"), std::string::npos) << r.error().message;
}

TEST(KexecMethod, NoFallbackWhenTheFailureIsNoRefusal) {
  Kexec k;
  k.load = {1, "", "Cannot open `/boot/vmlinuz-x': No such file or directory\n"};
  EXPECT_FALSE(load_kernel(k.s, plain(), "/boot/vmlinuz-x", "/boot/initrd.img-x", "x").ok());
  EXPECT_EQ(k.methods_run(), (std::vector<std::string>{"-c"}));
  // A child that did not finish: no second try (the budget is spent).
  Kexec t;
  t.s.runner = [](const Command&) -> Result<ProcessResult> {
    return Error{"'kexec -l' did not finish in 120 s and was killed with its process group", ETIMEDOUT, {}};
  };
  EXPECT_FALSE(load_kernel(t.s, plain(), "/boot/vmlinuz-x", "/boot/initrd.img-x", "x").ok());
  EXPECT_EQ(t.methods_run(), (std::vector<std::string>{"-c"}));
}

TEST(KexecMethod, RecordedMethodIsReadBack) {
  FakeSystem s;
  auto none = recorded_kexec_method(s);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value(), "");
  s.put_file(paths::kKexecMethod, "kexec_file_load\n");
  EXPECT_EQ(recorded_kexec_method(s).value(), "kexec_file_load");
}

}  // namespace
}  // namespace sckl
