#include "fupin_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>

#include "storage/postgres/cluster/pg_test_cluster.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_test_server.h"
#include "storage/postgres/pg_test_store.h"

extern char** environ;

namespace fupin::testing {
namespace {

// PostgreSQL runs (issue 15): with FUPIN_TEST_DB=postgres, the database a test names by a
// path (`--db PATH`, or FUPIN_DB=PATH) is a database of the binary's test server instead, named
// after the path (the same path, the same database; created empty on first use, as a missing file
// would be by `init`), its audit key still the file `PATH-audit.key` (FUPIN_AUDIT_KEY) and
// its scratch folder in PATH's folder (TMPDIR), so that the tests run unchanged. With
// FUPIN_TEST_DB=cluster it is a cluster database of the binary's test cluster
// (storage/postgres/cluster/pg_test_cluster.h), made with its schema.
pg::Connection& PgAdmin() {
  static std::unique_ptr<pg::Connection> admin = [] {
    auto c = pg::Connection::Open(pg::testing::TestUrl());
    if (!c.ok()) {
      std::fprintf(stderr, "cannot reach the test server: %s\n", c.error().en.c_str());
      std::abort();
    }
    return std::move(c).value();
  }();
  return *admin;
}

std::string PgNameOf(const std::string& path) {
  const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  char name[32];
  std::snprintf(name, sizeof name, "cli_%016zx", std::hash<std::string>()(absolute));
  return name;
}

std::string PgUrlOf(const std::string& name) {
  const std::string& test = pg::testing::TestUrl();
  return test.substr(0, test.rfind('/') + 1) + name;
}

void PgRun(const std::string& sql) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (Status s = PgAdmin().Exec(sql); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", sql.c_str(), s.error().en.c_str());
    std::abort();
  }
}

// The URL of the database standing for `path`, made empty when it does not exist yet.
std::string PgDatabaseFor(const std::string& path) {
  const std::string name = PgNameOf(path);
  auto rows =
      PgAdmin().Query("SELECT 1 FROM pg_database WHERE datname = $1", pg::Params().Text(name));
  if (rows.ok() && rows->size() == 0) {
    // FUPIN_TEST_DB=cluster: a fresh cluster (its schema there already) named so.
    if (pg::testing::UseCluster()) return pg::testing::FreshClusterDatabase(name);
    PgRun("CREATE DATABASE \"" + name + "\"");
  }
  return PgUrlOf(name);
}

// `args` and `env` with every database path made its PostgreSQL database (see above).
void MapDatabasesToPostgres(std::vector<std::string>& args, std::vector<std::string>& env) {
  std::string path;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string* value = nullptr;
    if (args[i] == "--db" && i + 1 < args.size()) {
      value = &args[i + 1];
    } else if (args[i].starts_with("--db=")) {
      value = &args[i];
    }
    if (value == nullptr) continue;
    const bool inline_form = value->starts_with("--db=");
    std::string target = inline_form ? value->substr(5) : *value;
    if (target.empty() || target.starts_with("postgres")) continue;
    if (target.starts_with("sqlite:")) target = target.substr(7);
    path = target;
    *value = (inline_form ? "--db=" : "") + PgDatabaseFor(target);
    break;
  }
  // FUPIN_DB=PATH (the database when no --db is given) stands for its database too.
  for (std::string& e : env) {
    if (!e.starts_with("FUPIN_DB=")) continue;
    std::string target = e.substr(9);
    if (target.empty() || target.starts_with("postgres")) continue;
    if (target.starts_with("sqlite:")) target = target.substr(7);
    if (path.empty()) path = target;
    e = "FUPIN_DB=" + PgDatabaseFor(target);
  }
  if (path.empty()) return;
  auto has = [&](std::string_view name) {
    return std::any_of(env.begin(), env.end(),
                       [&](const std::string& e) { return e.starts_with(name); });
  };
  if (!has("FUPIN_AUDIT_KEY=")) env.push_back("FUPIN_AUDIT_KEY=" + path + "-audit.key");
  if (!has("TMPDIR=")) {
    const std::filesystem::path parent = std::filesystem::absolute(path).parent_path();
    env.push_back("TMPDIR=" + parent.string());
  }
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

bool OnPostgres() { return pg::testing::UsePostgres(); }

std::string PostgresUrlOf(const std::filesystem::path& path) {
  return PgDatabaseFor(path.string());
}

std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "FUPIN_", 6) != 0) env.emplace_back(*e);
  }
  env.emplace_back("FUPIN_TODAY=2026-06-30");
  for (const auto& x : extra) {
    const std::string name = x.substr(0, x.find('=') + 1);
    std::erase_if(env, [&](const std::string& e) { return e.starts_with(name); });
    env.push_back(x);
  }
  return env;
}

FupinProcess::FupinProcess(const std::vector<std::string>& args,
                           const std::vector<std::string>& env, const std::string& cwd,
                           const std::string& stdin_path) {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe
  // calls are made.
  std::vector<std::string> mapped_args = args;
  std::vector<std::string> mapped_env = env;
  if (pg::testing::UsePostgres()) MapDatabasesToPostgres(mapped_args, mapped_env);
  std::vector<std::string> argv_strings{FUPIN_BIN};
  argv_strings.insert(argv_strings.end(), mapped_args.begin(), mapped_args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = ChildEnvironment(mapped_env);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    std::perror("pipe2");
    std::abort();
  }
  const int null_fd = ::open(stdin_path.c_str(), O_RDONLY | O_CLOEXEC);
  pid_ = ::fork();
  if (pid_ < 0) {
    std::perror("fork");
    std::abort();
  }
  if (pid_ == 0) {
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  if (null_fd >= 0) ::close(null_fd);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
}

FupinProcess::~FupinProcess() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  CloseFd(out_fd_);
  CloseFd(err_fd_);
}

bool FupinProcess::Pump(int timeout_ms) {
  pollfd fds[2];
  int n = 0;
  if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
  if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
  if (n == 0) return false;
  int ready = ::poll(fds, n, timeout_ms);
  if (ready < 0 && errno == EINTR) return true;
  if (ready <= 0) return true;
  char buffer[65536];
  for (int i = 0; i < n; ++i) {
    if (fds[i].revents == 0) continue;
    const bool is_out = fds[i].fd == out_fd_;
    ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
    if (got > 0) {
      (is_out ? result_.out : result_.err).append(buffer, static_cast<size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      CloseFd(is_out ? out_fd_ : err_fd_);
    }
  }
  return out_fd_ >= 0 || err_fd_ >= 0;
}

bool FupinProcess::WaitForStderr(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (result_.err.find(text) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (!Pump(static_cast<int>(left.count()))) break;
  }
  return result_.err.find(text) != std::string::npos;
}

void FupinProcess::Signal(int signal) {
  if (!reaped_ && pid_ > 0) ::kill(pid_, signal);
}

RunResult FupinProcess::Wait() {
  while (Pump(-1)) {
  }
  if (!reaped_) {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    if (WIFEXITED(status)) {
      result_.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result_.signal = WTERMSIG(status);
    }
  }
  return result_;
}

RunResult RunFupin(const std::vector<std::string>& args, const std::vector<std::string>& env,
                   const std::string& cwd) {
  FupinProcess process(args, env, cwd);
  return process.Wait();
}

RunResult RunFupinWithInput(const std::vector<std::string>& args, std::string_view input,
                            const std::string& cwd) {
  const std::string dir = MakeTempDir("fupin_stdin");
  const std::string path = dir + "/stdin";
  WriteFile(path, input);
  FupinProcess process(args, {}, cwd, path);
  RunResult result = process.Wait();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return result;
}

std::string MakeTempDir(const char* prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << pattern << ": " << std::strerror(errno);
    return "";
  }
  return pattern;
}

const std::filesystem::path& CompareRegisterDb(const char* prefix) {
  static const std::filesystem::path path = [prefix] {
    const std::filesystem::path data(FUPIN_TESTDATA_DIR);
    const std::filesystem::path db = ProgramTempDir(prefix) / "register.db";
    EXPECT_EQ(RunFupin({"--db", db.string(), "init"}).exit_code, 0);
    EXPECT_EQ(RunFupin({"--db", db.string(), "regions", "load", "--from",
                        (data / "regions.csv").string()})
                  .exit_code,
              0);
    RunResult r =
        RunFupin({"--db", db.string(), "import", (data / "compare" / "households.csv").string(),
                  (data / "compare" / "members.csv").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return db;
  }();
  return path;
}

const std::filesystem::path& ProgramTempDir(const char* prefix) {
  static const std::filesystem::path dir = MakeTempDir(prefix);
  static const bool cleanup = [] {
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    });
    return true;
  }();
  (void)cleanup;
  return dir;
}

void CopyDatabase(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (pg::testing::UsePostgres()) {  // the database standing for each path (see above)
    const std::string source = PgNameOf(from.string()), copy = PgNameOf(to.string());
    if (pg::testing::UseCluster()) {  // every node's database copied
      pg::testing::FreshClusterDatabase(copy, source);
    } else {
      PgRun("DROP DATABASE IF EXISTS \"" + copy + "\" WITH (FORCE)");
      PgRun("CREATE DATABASE \"" + copy + "\" TEMPLATE \"" + source + "\"");
    }
  }
  for (const char* suffix : {"", "-accounts", "-audit.key"}) {
    const std::filesystem::path source = from.string() + suffix;
    if (!std::filesystem::exists(source)) continue;
    std::error_code ec;
    std::filesystem::copy_file(source, to.string() + suffix,
                               std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
      std::fprintf(stderr, "cannot copy %s: %s\n", source.c_str(), ec.message().c_str());
      std::abort();
    }
  }
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

RunResult RunShell(const std::string& command) {
  RunResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) result.out += buffer;
  const int status = pclose(pipe);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace fupin::testing
