// Runs the real `fupin` binary as a child process for the CLI integration tests: its
// arguments, environment and working directory in; its exit code, stdout and stderr out.
// POSIX only (fork/exec, pipes, poll). Not thread-safe: one test thread at a time.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace fupin::testing {

// What a finished child did.
struct RunResult {
  // The exit status when the child exited; -1 when it was killed by a signal.
  int exit_code = -1;
  // The signal that ended the child, or 0 when it exited.
  int signal = 0;
  std::string out;  // everything it wrote on stdout
  std::string err;  // everything it wrote on stderr
};

// The child's environment: the test's own environment without any FUPIN_* variable (so
// the caller's FUPIN_DB or FUPIN_TODAY cannot leak in), plus FUPIN_TODAY=2026-06-30 so
// dates are deterministic, plus `extra` ("NAME=value" entries, which win).
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra = {});

// A running `fupin` child. Its stdout and stderr are captured through pipes.
class FupinProcess {
 public:
  // Starts FUPIN_BIN with `args` in `cwd` (unchanged when empty) and ChildEnvironment(env).
  // Aborts the test program if pipe or fork fails: that is a broken machine, not a result.
  // Its stdin reads `stdin_path`.
  FupinProcess(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
               const std::string& cwd = "", const std::string& stdin_path = "/dev/null");
  FupinProcess(const FupinProcess&) = delete;
  FupinProcess& operator=(const FupinProcess&) = delete;
  // Kills (SIGKILL) and reaps the child if Wait() was not called.
  ~FupinProcess();

  pid_t pid() const { return pid_; }

  // Reads the child's output until its stderr holds `text`, the child closes both pipes,
  // or `timeout` passes. Returns whether `text` was seen. Output read here is kept for
  // Wait().
  bool WaitForStderr(const std::string& text, std::chrono::milliseconds timeout);

  // Sends `signal` to the child (no-op once it has been reaped).
  void Signal(int signal);

  // Reads the rest of the output, reaps the child and returns what it did.
  RunResult Wait();

 private:
  // Reads what is available on the open pipes, waiting at most `timeout_ms` (-1: forever).
  // Returns false when both pipes are closed.
  bool Pump(int timeout_ms);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool reaped_ = false;
  RunResult result_;
};

// The same with `input` on the child's stdin.
RunResult RunFupinWithInput(const std::vector<std::string>& args, std::string_view input,
                            const std::string& cwd = "");

// A new temporary directory named PREFIX_XXXXXX under $TMPDIR (or /tmp), or "" and a test
// failure when none can be made.
std::string MakeTempDir(const char* prefix);
// A temporary directory made on the first call and removed when the test program ends
// (for the template databases a test program copies); later calls return the same one.
const std::filesystem::path& ProgramTempDir(const char* prefix);
// Copies a database: the register file and the files beside it (`-accounts`, the accounts
// and audit trail; `-audit.key`, the audit key). Aborts the test on failure.
void CopyDatabase(const std::filesystem::path& from, const std::filesystem::path& to);
// The regions of tests/data/regions.csv and the register of tests/data/compare/, built on
// the first call in ProgramTempDir(prefix) (copy it with CopyDatabase before writing).
const std::filesystem::path& CompareRegisterDb(const char* prefix);
// A file's bytes ("" when it cannot be read), and a file written with `bytes`.
std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, std::string_view bytes);

// A test with a temporary folder of its own (`dir_`), removed when the test ends.
class TempDirTest : public ::testing::Test {
 protected:
  explicit TempDirTest(const char* prefix = "fupin_test") : prefix_(prefix) {}
  void SetUp() override {
    dir_ = MakeTempDir(prefix_);
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // A path inside the folder.
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;

 private:
  const char* prefix_;
};

// Whether the tests run on PostgreSQL (FUPIN_TEST_DB=postgres): a database path then stands
// for a database of the binary's test server (see FupinProcess).
bool OnPostgres();
// On PostgreSQL runs, the URL of the database of the test server standing for the database
// path `path` (created empty when it does not exist yet).
std::string PostgresUrlOf(const std::filesystem::path& path);
// A test of what only a SQLite file has (the files beside it, copying it) skips there.
#define SKIP_ON_POSTGRES(reason) \
  if (::fupin::testing::OnPostgres()) GTEST_SKIP() << "SQLite only: " << reason

// Runs `command` with /bin/sh to its end (the tests' other programs: Debian's python3 with
// openpyxl, LibreOffice): its exit status, and stdout and stderr together in `out`.
RunResult RunShell(const std::string& command);

// Runs `fupin args...` to its end (see FupinProcess).
RunResult RunFupin(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                   const std::string& cwd = "");

}  // namespace fupin::testing
