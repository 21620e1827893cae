// "Delivers" e-mail by writing it to a directory, one .eml file per message: what `make run` and
// development use instead of an SMTP server. Any mail client opens the files. A file appears whole
// or not at all (written to a temporary name, then renamed), and a resent message overwrites its
// own file, so the directory holds each message once.
//
// Thread-safety: send() may run on several threads at once.
#pragma once

#include <filesystem>

#include "mail/transport.h"

namespace mail {

class FileTransport final : public Transport {
 public:
  // Creates `directory` when missing; throws std::runtime_error when it cannot.
  explicit FileTransport(std::filesystem::path directory);

  SendResult send(const OutgoingMessage& message) override;

  const std::filesystem::path& directory() const { return directory_; }
  // The file a message goes to: "<outbox id>-<message id without punctuation>.eml".
  std::filesystem::path path_for(const OutgoingMessage& message) const;

 private:
  std::filesystem::path directory_;
};

}  // namespace mail
