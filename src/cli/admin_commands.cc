#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "service/accounts/audit_service.h"
#include "service/accounts/auth_service.h"

namespace fupin {
namespace {

using nlohmann::ordered_json;

// Overwrites a password before its memory is released.
void Wipe(std::string& secret) {
  volatile char* p = secret.data();
  for (size_t i = 0; i < secret.size(); ++i) p[i] = 0;
  secret.clear();
}

// The terminal's settings while a password is typed, to restore them on Ctrl-C.
int g_tty = -1;
termios g_tty_saved;

extern "C" void RestoreTerminal(int signal) {
  if (g_tty >= 0) tcsetattr(g_tty, TCSAFLUSH, &g_tty_saved);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

// Reads one line from `fd`, without its end.
bool ReadLine(int fd, std::string& line) {
  char c;
  ssize_t n;
  while ((n = read(fd, &c, 1)) == 1 && c != '\n') line += c;
  return n == 1 || !line.empty();
}

// Asks for a password on the terminal twice, with echo off.
Result<std::string> PromptPassword(const Globals& g) {
  const int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return Error::Usage("没有终端可输入密码：请用 --password-stdin 从标准输入提供",
                        "no terminal to type the password on: use --password-stdin");
  }
  termios saved;
  if (tcgetattr(fd, &saved) != 0) {
    close(fd);
    return Error::Usage("无法关闭终端回显：请用 --password-stdin",
                        "cannot turn the terminal's echo off: use --password-stdin");
  }
  g_tty = fd;
  g_tty_saved = saved;
  auto old_int = std::signal(SIGINT, RestoreTerminal);
  auto old_term = std::signal(SIGTERM, RestoreTerminal);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  tcsetattr(fd, TCSAFLUSH, &quiet);

  auto ask = [&](const std::string& prompt, std::string& out) {
    (void)!write(fd, prompt.data(), prompt.size());
    return ReadLine(fd, out);
  };
  std::string first, second;
  const bool read_both = ask(Say(g, "新密码：", "New password: "), first) &&
                         ask(Say(g, "再输入一次：", "Again: "), second);

  tcsetattr(fd, TCSAFLUSH, &saved);
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
  g_tty = -1;
  close(fd);

  Result<std::string> out = Error::Usage("没有读到密码", "no password was typed");
  if (read_both && first != second) {
    out = Error{"E_PASSWORD", "两次输入的密码不一致", "the passwords do not match"};
  } else if (read_both) {
    out = first;
  }
  Wipe(first);
  Wipe(second);
  return out;
}

// The password from the first line of stdin (--password-stdin), or typed on the terminal.
Result<std::string> ReadPassword(const Globals& g, bool from_stdin) {
  if (!from_stdin) return PromptPassword(g);
  std::string line;
  if (!std::getline(std::cin, line) && line.empty()) {
    return Error::Usage("标准输入中没有密码", "no password on stdin");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string RegionText(RegionCode region) {
  return region == RegionCode::Nation() ? "0" : region.ShortString();
}

}  // namespace

AdminCommands::AdminCommands(CLI::App& app, Globals& g) : g_(g) {
  auto* user = app.add_subcommand("user", "用户与角色 / users and roles");
  user->require_subcommand(1);
  std::string roles;
  for (Role role : kAllRoles) roles += (roles.empty() ? "" : " | ") + std::string(RoleName(role));

  user_add_ = user->add_subcommand("add", "添加用户 / add a user");
  user_add_->add_option("name", name_, "user name")->required();
  user_add_->add_option("--role", role_, roles)->required();
  user_add_->add_option("--region", region_, "region code the user acts in (0: the nation)")
      ->required();
  user_add_->add_flag("--password-stdin", password_stdin_,
                      "从标准输入第一行读密码（否则在终端输入两次）/ read the password from the "
                      "first line of stdin (else type it twice on the terminal)");

  user_list_ = user->add_subcommand("list", "列出用户 / list the users");
  user_list_->add_flag("--json", g.json);

  user_disable_ = user->add_subcommand("disable", "停用用户并结束其会话 / disable a user");
  user_disable_->add_option("name", name_, "user name")->required();

  user_passwd_ = user->add_subcommand("passwd", "重设密码 / set a user's password");
  user_passwd_->add_option("name", name_, "user name")->required();
  user_passwd_->add_flag("--password-stdin", password_stdin_,
                         "从标准输入第一行读密码 / read the password from the first line of stdin");

  auto* audit = app.add_subcommand("audit", "审计记录 / the audit trail");
  audit->require_subcommand(1);
  audit_verify_ = audit->add_subcommand(
      "verify",
      "校验审计链并显示记录数与链头散列：完好时退出码 0，断裂时 1，与 --expect 不符时 2 / "
      "verify the keyed hash chain and print its record count and head: exit 0 when it "
      "holds, 1 when it is broken, 2 when the head is not --expect");
  audit_verify_->add_option("--expect", expect_head_,
                            "先前记下的链头散列 / a head hash saved earlier");
  audit_verify_->add_flag("--json", g.json);
  audit_list_ = audit->add_subcommand("list", "列出审计记录（新的在前）/ list audit records");
  audit_list_->add_option("--action", action_prefix_, "actions starting with this");
  audit_list_->add_option("--limit", limit_, "at most this many (default 50, at most 1000)");
  audit_list_->add_flag("--json", g.json);
}

std::optional<int> AdminCommands::Run() const {
  if (*user_add_) return UserAdd();
  if (*user_list_) return UserList();
  if (*user_disable_) return UserDisable();
  if (*user_passwd_) return UserPasswd();
  if (*audit_verify_) return AuditVerify();
  if (*audit_list_) return AuditList();
  return std::nullopt;
}

int AdminCommands::UserAdd() const {
  auto role = ParseRole(role_);
  if (!role) {
    return Fail(g_, Error::Usage("未知角色：" + role_, "unknown role: " + role_));
  }
  RegionCode region = RegionCode::Nation();
  if (region_ != "0") {
    auto code = RegionCode::Parse(region_);
    if (!code.ok()) {
      return Fail(g_, Error{"E_REGION", "区划代码格式错误：" + region_,
                            "malformed region code: " + region_});
    }
    region = *code;
  }
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto password = ReadPassword(g_, password_stdin_);
  if (!password.ok()) return Fail(g_, password.error());
  Status s = AddUser(**store, CliCaller(), name_, *role, region, *password);
  Wipe(*password);
  if (!s.ok()) return Fail(g_, s.error());
  std::cerr << Say(g_, "已添加用户 ", "added user ") << name_ << " (" << role_ << ", "
            << RegionText(region) << ")\n";
  return 0;
}

int AdminCommands::UserList() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto users = ListUsers(**store, CliCaller());
  if (!users.ok()) return Fail(g_, users.error());
  if (g_.json) {
    ordered_json out = ordered_json::array();
    for (const auto& u : *users) {
      out.push_back({{"username", u.user.username},
                     {"role", RoleName(u.user.role)},
                     {"region_code", u.user.region.ToString()},
                     {"disabled", u.user.disabled},
                     {"failed_logins", u.failed_logins},
                     {"created_at", u.created_at}});
    }
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "用户名\t角色\t区划\t状态\t创建时间", "user\trole\tregion\tstate\tcreated")
            << "\n";
  for (const auto& u : *users) {
    std::string state = u.user.disabled ? Say(g_, "已停用", "disabled") : Say(g_, "正常", "active");
    if (u.failed_logins > 0) {
      state += Say(g_, "（连续登录失败 ", " (") + std::to_string(u.failed_logins) +
               Say(g_, " 次）", " failed logins in a row)");
    }
    std::cout << u.user.username << "\t" << RoleName(u.user.role) << "\t"
              << RegionText(u.user.region) << "\t" << state << "\t" << u.created_at << "\n";
  }
  return 0;
}

int AdminCommands::UserDisable() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  if (Status s = DisableUser(**store, CliCaller(), name_); !s.ok()) return Fail(g_, s.error());
  std::cerr << Say(g_, "已停用用户 ", "disabled user ") << name_ << "\n";
  return 0;
}

int AdminCommands::UserPasswd() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto password = ReadPassword(g_, password_stdin_);
  if (!password.ok()) return Fail(g_, password.error());
  Status s = SetPassword(**store, CliCaller(), name_, *password);
  Wipe(*password);
  if (!s.ok()) return Fail(g_, s.error());
  std::cerr << Say(g_, "已重设密码：", "password set: ") << name_ << "\n";
  return 0;
}

int AdminCommands::AuditVerify() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto report = VerifyAuditChain(**store);
  if (!report.ok()) return Fail(g_, report.error());
  const AuditVerifyReport& r = *report;
  // A chain cut at its end (or emptied) still holds: only a head saved earlier tells.
  const bool expected = expect_head_.empty() || expect_head_ == r.head;
  std::string reason = g_.lang == Lang::kEn ? r.reason_en : r.reason_zh;
  if (r.ok && !expected) {
    reason = Say(g_, "链头散列与 --expect 不符：记录被删除、截短或重建",
                 "the head differs from --expect: records were deleted, cut off or re-made");
  }
  const bool ok = r.ok && expected;
  if (g_.json) {
    std::cout << ordered_json{{"records", r.records},
                              {"legacy", r.legacy},
                              {"head", r.head},
                              {"ok", ok},
                              {"first_broken",
                               r.ok ? ordered_json(nullptr) : ordered_json(r.first_broken)},
                              {"reason", ok ? ordered_json(nullptr) : ordered_json(reason)}}
                     .dump()
              << "\n";
  } else {
    std::cout << Say(g_, "记录数：", "records: ") << r.records;
    if (r.legacy)
      std::cout << Say(g_, "（其中旧式无密钥记录 ", " (legacy unkeyed: ") << r.legacy
                << Say(g_, " 条）", ")");
    std::cout << "\n" << Say(g_, "链头散列：", "head: ") << r.head << "\n";
    if (!r.ok) {
      std::cout << Say(g_, "审计链断裂于第 ", "the audit chain is broken at record ")
                << r.first_broken << Say(g_, " 条：", ": ") << reason << "\n";
    } else if (!expected) {
      std::cout << Say(g_, "审计链不符：", "the audit chain does not match: ") << reason << "\n";
    } else {
      std::cout << Say(g_, "审计链完好", "the audit chain holds") << "\n";
    }
  }
  if (!r.ok) return 1;
  return expected ? 0 : 2;
}

int AdminCommands::AuditList() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  AuditQuery query;
  query.action_prefix = action_prefix_;
  query.limit = limit_;
  auto page = SearchAudit(**store, CliCaller(), query);
  if (!page.ok()) return Fail(g_, page.error());
  if (g_.json) {
    ordered_json items = ordered_json::array();
    for (const auto& r : page->items) {
      items.push_back({{"seq", r.seq},
                       {"at", r.at},
                       {"actor", r.actor},
                       {"role", r.role},
                       {"action", r.action},
                       {"target", r.target},
                       {"detail", r.detail},
                       {"remote", r.remote},
                       {"region_code", RegionCode::FromInt(r.region_code).ToString()},
                       {"legacy", r.legacy}});
    }
    std::cout << ordered_json{{"total", page->total}, {"items", items}}.dump() << "\n";
    return 0;
  }
  for (const auto& r : page->items) {
    std::cout << r.seq << "\t" << r.at << "\t" << r.actor << "\t" << r.action << "\t"
              << RegionCode::FromInt(r.region_code).ToString() << "\t" << r.target << "\t"
              << r.detail << "\n";
  }
  return 0;
}

}  // namespace fupin
