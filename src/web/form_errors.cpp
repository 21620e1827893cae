#include "web/form_errors.h"

namespace web {

void FormErrors::add(std::string_view field, std::string_view message_key) {
  if (has(field)) return;
  errors_.emplace_back(std::string(field), std::string(message_key));
}

bool FormErrors::has(std::string_view field) const {
  for (const auto& [name, key] : errors_) {
    if (name == field) return true;
  }
  return false;
}

void FormErrors::add_to(kainjow::mustache::data& data, const Catalog& catalog,
                        std::string_view language) const {
  if (errors_.empty()) return;
  kainjow::mustache::data by_field;
  kainjow::mustache::data list(kainjow::mustache::data::type::list);
  for (const auto& [field, key] : errors_) {
    kainjow::mustache::data error;
    error.set("field", field);
    error.set("id", field + "-error");
    error.set("message", std::string(catalog.text(language, key)));
    list.push_back(error);
    by_field.set(field, std::move(error));
  }
  kainjow::mustache::data summary;
  summary.set("list", std::move(list));
  data.set("errors", std::move(by_field));
  data.set("form_errors", std::move(summary));
}

}  // namespace web
