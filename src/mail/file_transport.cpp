#include "mail/file_transport.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mail {

namespace {

// Writes all of `content` to a new file at `path` and flushes it to disk. Returns an error text, or
// an empty string on success.
std::string write_new_file(const std::filesystem::path& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return "cannot create " + path.string() + ": " + std::strerror(errno);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string error = std::strerror(errno);
      ::close(fd);
      return "cannot write " + path.string() + ": " + error;
    }
    written += static_cast<std::size_t>(n);
  }
  // Renamed only once its bytes are on disk: after a power cut the file is whole or absent.
  if (::fsync(fd) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd);
    return "cannot flush " + path.string() + ": " + error;
  }
  if (::close(fd) != 0) return "cannot close " + path.string() + ": " + std::strerror(errno);
  return "";
}

}  // namespace

FileTransport::FileTransport(std::filesystem::path directory) : directory_(std::move(directory)) {
  std::error_code error;
  std::filesystem::create_directories(directory_, error);
  if (error)
    throw std::runtime_error("cannot create the mail directory " + directory_.string() + ": " +
                             error.message());
}

std::filesystem::path FileTransport::path_for(const OutgoingMessage& message) const {
  std::string name = std::to_string(message.outbox_id) + "-";
  for (char c : message.message_id) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) name += c;
  }
  return directory_ / (name + ".eml");
}

SendResult FileTransport::send(const OutgoingMessage& message) {
  static std::atomic<std::uint64_t> counter{0};
  const std::filesystem::path target = path_for(message);
  const std::filesystem::path temporary =
      directory_ / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)));
  const std::string problem = write_new_file(temporary, render_mime(message));
  if (!problem.empty()) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    return SendResult::temporary_failure(problem);  // a full disk or a permission: fixable, try again
  }
  std::error_code error;
  std::filesystem::rename(temporary, target, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    return SendResult::temporary_failure("cannot rename to " + target.string() + ": " + error.message());
  }
  return SendResult::sent();
}

}  // namespace mail
