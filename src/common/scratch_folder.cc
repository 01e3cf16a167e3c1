#include "common/scratch_folder.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace fupin {

bool IsDatabaseFile(const std::string& path) {
  return !path.empty() && path != ":memory:" && !path.starts_with("file:");
}

std::string ScratchFolder(const std::string& database_path) {
  if (IsDatabaseFile(database_path)) return database_path + "-tmp";
  std::error_code ec;
  std::filesystem::path system = std::filesystem::temp_directory_path(ec);
  if (ec) system = "/tmp";
  return (system / ("fupin-" + std::to_string(::geteuid()) + "-tmp")).string();
}

Result<std::string> EnsureScratchFolder(const std::string& database_path) {
  const std::string folder = ScratchFolder(database_path);
  auto cannot_use = [&] {
    return Error::Io("无法使用临时文件夹 " + folder, "cannot use the scratch folder " + folder);
  };
  if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) return cannot_use();
  struct stat st {};
  if (::lstat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
    return cannot_use();
  }
  if ((st.st_mode & 077) != 0 && ::chmod(folder.c_str(), 0700) != 0) return cannot_use();
  return folder;
}

}  // namespace fupin
