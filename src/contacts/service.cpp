#include "contacts/service.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "contacts/records.h"
#include "contacts/store.h"

namespace contacts {

std::string fill(std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values) {
  for (const auto& [name, value] : values) {
    const std::string marker = "{" + std::string(name) + "}";
    for (std::size_t at = text.find(marker); at != std::string::npos;
         at = text.find(marker, at + value.size())) {
      text.replace(at, marker.size(), value);
    }
  }
  return text;
}

Service::Service(db::Database& database, const members::Places& places, std::string uploads_directory,
                 CanCoordinate can_coordinate)
    : database_(database),
      places_(places),
      uploads_directory_(std::move(uploads_directory)),
      can_coordinate_(std::move(can_coordinate)) {
  std::filesystem::create_directories(uploads_directory_);
}

std::optional<NetworkRef> Service::network(std::string_view slug) {
  if (slug.empty() || slug.size() > 100) return std::nullopt;
  return database_.read([&](db::Session& session) -> std::optional<NetworkRef> {
    auto row = session.query_one("SELECT id, slug, name FROM networks WHERE slug = ?", {std::string(slug)});
    if (!row) return std::nullopt;
    return NetworkRef{row->int64(0), row->text(1), row->text(2)};
  });
}

bool Service::may_manage(const std::optional<http::Viewer>& viewer, std::int64_t network_id) const {
  return viewer && can_coordinate_ && can_coordinate_(*viewer, network_id);
}

namespace {

bool is_token(std::string_view token) {
  return token.size() == 64 && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::string Service::upload_path(std::int64_t network_id, std::string_view token) const {
  return uploads_directory_ + "/" + std::to_string(network_id) + "-" + std::string(token) + ".csv";
}

std::string Service::keep_upload(std::int64_t network_id, std::string_view bytes) {
  std::array<unsigned char, 32> random{};
  randombytes_buf(random.data(), random.size());
  std::array<char, 65> hex{};
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  const std::string token(hex.data());
  const std::string path = upload_path(network_id, token);
  const std::string partial = path + ".part";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("could not keep the upload in " + uploads_directory_);
  }
  std::filesystem::rename(partial, path);
  return token;
}

std::optional<std::string> Service::read_upload(std::int64_t network_id, std::string_view token) const {
  if (!is_token(token)) return std::nullopt;
  std::ifstream in(upload_path(network_id, token), std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void Service::drop_upload(std::int64_t network_id, std::string_view token) {
  if (!is_token(token)) return;
  std::error_code ignored;
  std::filesystem::remove(upload_path(network_id, token), ignored);
}

void Service::add_history_source(HistorySource source) {
  std::lock_guard lock(sources_mutex_);
  history_sources_.push_back(std::move(source));
}

std::vector<HistoryItem> Service::history(const Contact& contact, std::string_view language,
                                          const std::function<std::string(std::string_view)>& text) {
  std::vector<HistorySource> sources;
  {
    std::lock_guard lock(sources_mutex_);
    sources = history_sources_;
  }
  std::vector<HistoryItem> items = database_.read([&](db::Session& session) {
    std::vector<HistoryItem> found;
    for (const ImportSummary& import : store::imports_of_contact(session, contact.id)) {
      const std::string key = import.outcome == "added" ? "contacts.detail.history_import_added"
                                                        : "contacts.detail.history_import_merged";
      found.push_back({import.created_at, fill(text(key), {{"file", import.file_name}}), ""});
    }
    // The campaigns that reached them (the campaigns feature's recipients, migration 0015): mailed,
    // bounced, answered and registered through each campaign's personal link.
    for (const db::Row& row : session.query(
             "SELECT c.id, c.name, r.handed_at, r.outcome, r.outcome_at, r.responded_at, r.response, "
             "r.registered_at "
             "FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id WHERE r.contact_id = ? "
             "ORDER BY c.id",
             {contact.id})) {
      const std::string path = "/campagnes/" + std::to_string(row.int64(0));
      const std::string campaign = row.text(1);
      if (const auto handed = row.optional_int64(2)) {
        found.push_back(
            {*handed, fill(text("contacts.detail.history_mailed"), {{"campaign", campaign}}), path});
      }
      if (row.text(3) == "bounced" && row.optional_int64(4)) {
        found.push_back({*row.optional_int64(4),
                         fill(text("contacts.detail.history_bounced"), {{"campaign", campaign}}), path});
      }
      if (const auto responded = row.optional_int64(5)) {
        const std::string response =
            response_from(row.text(6)) ? text("contacts.status." + row.text(6)) : row.text(6);
        found.push_back({*responded,
                         fill(text("contacts.detail.history_responded"),
                              {{"campaign", campaign}, {"response", response}}),
                         path});
      }
      if (const auto registered = row.optional_int64(7)) {
        found.push_back(
            {*registered, fill(text("contacts.detail.history_registered"), {{"campaign", campaign}}), path});
      }
    }
    if (contact.account_id && contact.became_member_at) {
      found.push_back({*contact.became_member_at, text("contacts.detail.history_member"),
                       "/leden/" + std::to_string(*contact.account_id)});
    }
    for (const HistorySource& source : sources) {
      for (HistoryItem& item : source(session, contact, language)) found.push_back(std::move(item));
    }
    return found;
  });
  std::stable_sort(items.begin(), items.end(),
                   [](const HistoryItem& a, const HistoryItem& b) { return a.at > b.at; });
  return items;
}

std::int64_t Service::run_retention(std::int64_t now) {
  const std::int64_t erased =
      database_.write([&](db::Session& session) { return erase_expired(session, now); });
  // Uploads nobody mapped within a day go too.
  std::error_code error;
  const auto cutoff =
      std::filesystem::file_time_type::clock::now() - std::chrono::seconds(kUploadLifetimeSeconds);
  for (const auto& entry : std::filesystem::directory_iterator(uploads_directory_, error)) {
    std::error_code ignored;
    if (entry.is_regular_file(ignored) && entry.last_write_time(ignored) < cutoff) {
      std::filesystem::remove(entry.path(), ignored);
    }
  }
  return erased;
}

}  // namespace contacts
