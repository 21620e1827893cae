// Row accessors, Session::query_one, and db::open, which picks the backend from the URL.
#include "db/database.h"

#include <charconv>
#include <cmath>
#include <string>

#include "db/postgres_database.h"
#include "db/sqlite_database.h"

namespace db {

namespace {

[[noreturn]] void throw_type_error(std::size_t column, std::string_view wanted, const std::string& text) {
  throw Error(Error::Kind::Other,
              "column " + std::to_string(column) + " holds '" + text + "', not " + std::string(wanted));
}

std::string format_double(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

}  // namespace

std::string_view to_string(Backend backend) {
  switch (backend) {
    case Backend::Sqlite:
      return "sqlite";
    case Backend::Postgres:
      return "postgres";
  }
  return "unknown";
}

bool Row::is_null(std::size_t column) const {
  return std::holds_alternative<std::monostate>(values_.at(column));
}

// The accessors convert between numeric kinds because the backends differ in what they return for
// the same SQL (PostgreSQL's SUM over integers is numeric, SQLite's is an integer).
std::int64_t Row::int64(std::size_t column) const {
  const Value& value = values_.at(column);
  if (auto* number = std::get_if<std::int64_t>(&value)) return *number;
  if (auto* real_number = std::get_if<double>(&value)) return std::llround(*real_number);
  if (auto* text_value = std::get_if<std::string>(&value)) {
    std::int64_t parsed = 0;
    auto [end, ec] = std::from_chars(text_value->data(), text_value->data() + text_value->size(), parsed);
    if (ec != std::errc() || end != text_value->data() + text_value->size()) {
      throw_type_error(column, "an integer", *text_value);
    }
    return parsed;
  }
  return 0;
}

double Row::real(std::size_t column) const {
  const Value& value = values_.at(column);
  if (auto* real_number = std::get_if<double>(&value)) return *real_number;
  if (auto* number = std::get_if<std::int64_t>(&value)) return static_cast<double>(*number);
  if (auto* text_value = std::get_if<std::string>(&value)) {
    double parsed = 0;
    auto [end, ec] = std::from_chars(text_value->data(), text_value->data() + text_value->size(), parsed);
    if (ec != std::errc() || end != text_value->data() + text_value->size()) {
      throw_type_error(column, "a number", *text_value);
    }
    return parsed;
  }
  return 0.0;
}

std::string Row::text(std::size_t column) const {
  const Value& value = values_.at(column);
  if (auto* text_value = std::get_if<std::string>(&value)) return *text_value;
  if (auto* number = std::get_if<std::int64_t>(&value)) return std::to_string(*number);
  if (auto* real_number = std::get_if<double>(&value)) return format_double(*real_number);
  return {};
}

std::optional<std::string> Row::optional_text(std::size_t column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::optional<std::int64_t> Row::optional_int64(std::size_t column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::optional<Row> Session::query_one(std::string_view sql, const Params& params) {
  Rows rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::unique_ptr<Database> open(std::string_view url, const Options& options) {
  if (options.pool_size == 0) {
    throw Error(Error::Kind::Other, "database pool size must be at least 1");
  }
  if (url.starts_with("sqlite:")) {
    std::string_view path = url.substr(7);
    // "sqlite:///abs/path" is the URL spelling of "sqlite:/abs/path".
    if (path.starts_with("//")) path.remove_prefix(2);
    if (path.empty()) {
      throw Error(Error::Kind::Other, "database URL 'sqlite:' needs a file path, e.g. sqlite:data/knooppunt.db");
    }
    if (path == ":memory:" || path.starts_with("file:")) {
      throw Error(Error::Kind::Other,
                  "database URL '" + std::string(url) +
                      "' is not supported: give a file path, e.g. sqlite:data/knooppunt.db");
    }
    return std::make_unique<SqliteDatabase>(std::string(path), options);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return std::make_unique<PostgresDatabase>(std::string(url), options);
  }
  throw Error(Error::Kind::Other, "unsupported database URL '" + redact_url(url) +
                                      "': expected sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE");
}

}  // namespace db
