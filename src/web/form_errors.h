// Inline form errors: which field is wrong and why (a catalog key), rendered next to the field and
// in a summary at the top of the form. Plain value type; one per request.
//
// Templates read, for a field named "taal":
//   {{#errors.taal}} ... id="{{id}}" ... {{message}} ... {{/errors.taal}}   (the field's own error)
//   aria-describedby="{{#errors.taal}}{{id}}{{/errors.taal}}"                (links field and error)
//   {{> form_errors}}                                                        (the summary, with links)
// The field's element carries id="<field>"; its error message carries id="<field>-error".
#pragma once

#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "web/catalog.h"

namespace web {

class FormErrors {
 public:
  // Records an error for `field`; the first error per field wins (one message per field is clearer).
  void add(std::string_view field, std::string_view message_key);

  bool empty() const { return errors_.empty(); }
  bool has(std::string_view field) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return errors_; }

  // Adds "errors" (field -> {id, field, message}) and "form_errors" ({list: [...]}) to `data`, with
  // messages in `language`. Adds nothing when there are no errors. Throws std::out_of_range for an
  // unknown message key.
  void add_to(kainjow::mustache::data& data, const Catalog& catalog, std::string_view language) const;

 private:
  std::vector<std::pair<std::string, std::string>> errors_;  // field, message key (in order added)
};

}  // namespace web
