#include "app/config.h"

#include <charconv>

#include "mail/address.h"

namespace app {

std::optional<ListenAddress> parse_listen_address(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  unsigned int port = 0;
  const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return std::nullopt;
  }
  return ListenAddress{host, static_cast<unsigned short>(port)};
}

std::string Config::mail_from_address() const {
  if (!mail_from.empty()) return mail_from;
  // "https://kkp.example.nl:8443/pad" -> "noreply@kkp.example.nl"
  const std::size_t scheme = public_url.find("://");
  if (scheme != std::string::npos) {
    const std::size_t start = scheme + 3;
    const std::size_t end = public_url.find_first_of(":/?#", start);
    const std::string host = public_url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (mail::is_valid_address("noreply@" + host)) return "noreply@" + host;
  }
  return "knooppunt@localhost";
}

}  // namespace app
