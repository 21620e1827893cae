#include "mail/smtp_transport.h"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>

namespace mail {

namespace {

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user_data) {
  auto* upload = static_cast<Upload*>(user_data);
  const std::size_t room = size * count;
  const std::size_t left = upload->data.size() - upload->offset;
  const std::size_t n = left < room ? left : room;
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// Keeps the server's last refusal ("550 5.1.1 <x@y>: Recipient address rejected") for the
// outbox's last_error: curl's own message only says which command failed.
int remember_reply(CURL*, curl_infotype type, char* data, std::size_t size, void* user_data) {
  if (type != CURLINFO_HEADER_IN) return 0;
  std::string_view line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  // Only refusals (4xx, 5xx): after one, curl still says QUIT and the server's "221 Bye" follows.
  if (!line.empty() && (line.front() == '4' || line.front() == '5')) {
    *static_cast<std::string*>(user_data) = std::string(line.substr(0, 300));
  }
  return 0;
}

// Problems an operator fixes (credentials, TLS, DNS, a server that is down) are temporary: the mail
// waits in the outbox until the configuration or the server is right again. Only a 5xx reply to the
// message itself means this message can never be delivered.
bool is_permanent(CURLcode code, long reply_code) {
  switch (code) {
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
      return false;
    default:
      // 530 (authentication or STARTTLS required), 534, 535 (credentials refused), 538: configuration.
      if (reply_code == 530 || reply_code == 534 || reply_code == 535 || reply_code == 538) return false;
      return reply_code >= 500 && reply_code < 600;
  }
}

void initialise_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("libcurl failed to initialise");
  });
}

}  // namespace

SmtpTransport::SmtpTransport(SmtpOptions options) : options_(std::move(options)) {
  if (!options_.url.starts_with("smtp://") && !options_.url.starts_with("smtps://")) {
    throw std::invalid_argument(
        "the SMTP URL must start with smtp:// or smtps://, e.g. smtp://mail.example.nl:587");
  }
  initialise_curl_once();
}

SmtpTransport::~SmtpTransport() {
  for (const Idle& idle : idle_) curl_easy_cleanup(static_cast<CURL*>(idle.handle));
}

void* SmtpTransport::take_handle() {
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    while (!idle_.empty()) {
      const Idle idle = idle_.back();
      idle_.pop_back();
      if (now - idle.since < options_.keep_connection) return idle.handle;
      curl_easy_cleanup(static_cast<CURL*>(idle.handle));  // the server may have closed it meanwhile
    }
  }
  return curl_easy_init();
}

void SmtpTransport::give_back(void* handle) {
  // curl_easy_reset keeps the open connection and forgets the options that point into this call.
  curl_easy_reset(static_cast<CURL*>(handle));
  std::lock_guard lock(mutex_);
  idle_.push_back(Idle{handle, std::chrono::steady_clock::now()});
}

SendResult SmtpTransport::send(const OutgoingMessage& message) {
  const std::string text = render_mime(message);
  std::unique_ptr<CURL, CurlDeleter> curl(static_cast<CURL*>(take_handle()));
  if (!curl) return SendResult::temporary_failure("libcurl could not create a handle");
  const std::string mail_from = "<" + message.from_address + ">";
  std::unique_ptr<curl_slist, SlistDeleter> recipients(
      curl_slist_append(nullptr, ("<" + message.to_address + ">").c_str()));
  Upload upload{text, 0};
  char error_text[CURL_ERROR_SIZE] = "";
  std::string last_reply;

  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we run on our own threads
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count() * 1000));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count() * 1000));
  curl_easy_setopt(handle, CURLOPT_USE_SSL,
                   static_cast<long>(options_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  if (!options_.ca_file.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.username.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text.size()));
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, remember_reply);
  curl_easy_setopt(handle, CURLOPT_DEBUGDATA, &last_reply);
  curl_easy_setopt(handle, CURLOPT_VERBOSE, 1L);  // feeds remember_reply; nothing is printed

  // Never a connection older than the idle limit: curl would otherwise reuse whatever it kept.
  curl_easy_setopt(handle, CURLOPT_MAXAGE_CONN, static_cast<long>(options_.keep_connection.count()));
  if (options_.keep_connection.count() == 0) curl_easy_setopt(handle, CURLOPT_FORBID_REUSE, 1L);

  const CURLcode code = curl_easy_perform(handle);
  if (code == CURLE_OK) {
    if (options_.keep_connection.count() > 0) give_back(curl.release());
    return SendResult::sent();
  }

  long reply_code = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply_code);
  std::string reason =
      error_text[0] != '\0' ? std::string(error_text) : std::string(curl_easy_strerror(code));
  if (!last_reply.empty() && reply_code >= 400) reason += " (server said: " + last_reply + ")";
  if (is_permanent(code, reply_code)) return SendResult::permanent_failure(std::move(reason));
  return SendResult::temporary_failure(std::move(reason));
}

}  // namespace mail
