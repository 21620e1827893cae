#include "documents/routes.h"

#include <charconv>
#include <cstdio>
#include <memory>

#include "events/format.h"
#include "http/parsers.h"

namespace documents {

namespace {

using kainjow::mustache::data;

constexpr std::string_view kLibraryTemplate = "documents/library";
constexpr std::string_view kDocumentTemplate = "documents/document";
constexpr std::string_view kWikiIndexTemplate = "documents/wiki_index";
constexpr std::string_view kWikiPageTemplate = "documents/wiki_page";
constexpr std::string_view kWikiEditTemplate = "documents/wiki_edit";
constexpr std::string_view kWikiHistoryTemplate = "documents/wiki_history";
constexpr std::string_view kWikiDiffTemplate = "documents/wiki_diff";
constexpr std::string_view kTimezone = "Europe/Amsterdam";

const Viewer& viewer_of(const http::Request& request) { return request.viewer; }

http::Response sign_in_redirect(const http::Request& request) {
  return http::Response::redirect("/inloggen?next=" +
                                  http::percent_encode(web::local_path_or_root(request.target)));
}

http::Response redirect_with_flash(const web::Site& site, const std::string& location,
                                   std::string_view flash_key) {
  http::Response response = http::Response::redirect(location);
  site.set_flash(response, flash_key);
  return response;
}

int status_of(Failure failure) {
  switch (failure) {
    case Failure::None:
      return 200;
    case Failure::NotFound:
      return 404;
    case Failure::Forbidden:
      return 403;
    case Failure::Invalid:
      return 422;
    case Failure::TooLarge:
      return 413;
    case Failure::UnsupportedType:
      return 415;
    case Failure::Conflict:
      return 409;
  }
  return 422;
}

// "errors.<field>" and "form_errors.list" as web::FormErrors makes them; errors without a field
// point at the form's first field `fallback_field`.
void add_errors(data& page, const web::Site& site, std::string_view language,
                const std::vector<Error>& errors, std::string_view fallback_field) {
  web::FormErrors form_errors;
  for (const Error& error : errors)
    form_errors.add(error.field.empty() ? fallback_field : error.field, error.message_key);
  form_errors.add_to(page, site.catalog(), language);
}

std::string when_text(std::int64_t at, std::string_view language) {
  return events::format_date(at, kTimezone, language) + ", " + events::format_clock(at, kTimezone);
}

std::string size_text(std::int64_t bytes, std::string_view language) {
  char text[32];
  if (bytes < 1024) {
    std::snprintf(text, sizeof text, "%lld B", static_cast<long long>(bytes));
  } else if (bytes < 1024 * 1024) {
    std::snprintf(text, sizeof text, "%lld kB", static_cast<long long>((bytes + 512) / 1024));
  } else {
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    if (language == "nl") {
      for (char& c : text) c = c == '.' ? ',' : c;
    }
  }
  return text;
}

// The catalog key of a type's short name ("PDF", "Word-document", ...).
std::string type_key(std::string_view mime_type) {
  if (mime_type == "application/pdf") return "documents.type.pdf";
  if (mime_type.find("wordprocessingml") != std::string_view::npos ||
      mime_type.ends_with("opendocument.text")) {
    return "documents.type.text_document";
  }
  if (mime_type.find("spreadsheet") != std::string_view::npos) return "documents.type.spreadsheet";
  if (mime_type.find("presentation") != std::string_view::npos) return "documents.type.presentation";
  if (mime_type == "text/csv") return "documents.type.csv";
  if (mime_type.starts_with("image/")) return "documents.type.image";
  return "documents.type.text";
}

std::string author_text(const web::Site& site, std::string_view language, const std::string& name) {
  return name.empty() ? std::string(site.text(language, "documents.former_member")) : name;
}

std::string library_path(const GroupRef& group, std::optional<std::int64_t> folder_id) {
  std::string path = group.path() + "/documenten";
  if (folder_id && *folder_id > 0) path += "?map=" + std::to_string(*folder_id);
  return path;
}

std::string wiki_path(const GroupRef& group, std::string_view slug = "") {
  std::string path = group.path() + "/wiki";
  if (!slug.empty()) path += "/" + std::string(slug);
  return path;
}

void set_group(data& page, const Place& place, const RouteOptions& options, const http::Request& request,
               std::string_view tab) {
  page.set("group_name", place.group.name);
  page.set("group_path", place.group.path());
  page.set("network_name", place.group.network_name);
  page.set("library_path", library_path(place.group, std::nullopt));
  page.set("wiki_path", wiki_path(place.group));
  page.set("search_path", place.group.path() + "/zoeken");
  if (!options.stylesheet.empty()) page.set("stylesheet", options.stylesheet);
  if (place.access.archived) page.set("archived", true);
  if (place.access.can_post) page.set("can_post", true);
  if (options.group_header) {
    if (auto header = options.group_header(request, place.group.network_slug, place.group.slug, tab)) {
      page.set("group_header", std::move(*header));
    }
  }
}

data trail_data(const GroupRef& group, const std::vector<Folder>& trail) {
  data list(data::type::list);
  for (const Folder& folder : trail) {
    data item;
    item.set("name", folder.name);
    item.set("href", library_path(group, folder.id));
    list.push_back(item);
  }
  return list;
}

// The library page, with the upload form filled as the member left it.
struct UploadForm {
  std::string title;
  std::string description;
  std::optional<std::int64_t> folder_id;
  std::string folder_name;  // the new-folder form
};

http::Response library_page(const web::Site& site, Service& service, const RouteOptions& options,
                            const http::Request& request, const Library& library, const UploadForm& form,
                            const std::vector<Error>& errors, std::string_view error_field, int status) {
  const std::string_view language = site.language_of(request);
  const GroupRef& group = library.place.group;
  data page;
  set_group(page, library.place, options, request, "documenten");
  page.set("title", std::string(site.text(language, "documents.library.title")) + " · " + group.name);
  page.set("trail", trail_data(group, library.trail));
  if (library.folder) {
    data folder;
    folder.set("id", std::to_string(library.folder->id));
    folder.set("name", library.folder->name);
    folder.set("parent_href", library_path(group, library.folder->parent_id));
    if (library.subfolders.empty() && library.documents.empty()) folder.set("empty", true);
    page.set("folder", folder);
  }
  data subfolders(data::type::list);
  for (const Folder& folder : library.subfolders) {
    data item;
    item.set("name", folder.name);
    item.set("href", library_path(group, folder.id));
    subfolders.push_back(item);
  }
  page.set("subfolders", subfolders);
  if (!library.subfolders.empty()) page.set("has_subfolders", true);
  if (!library.documents.empty()) page.set("has_documents", true);
  data documents(data::type::list);
  for (const Document& document : library.documents) {
    data item;
    item.set("title", document.title);
    item.set("href", "/documenten/" + std::to_string(document.id));
    item.set("type", std::string(site.text(language, type_key(document.mime_type))));
    item.set("size", size_text(document.size_bytes, language));
    item.set("updated", when_text(document.updated_at, language));
    item.set("versions", std::to_string(document.version_count));
    if (document.version_count > 1) item.set("several_versions", true);
    documents.push_back(item);
  }
  page.set("documents", documents);
  if (library.subfolders.empty() && library.documents.empty()) page.set("nothing", true);

  if (library.place.access.can_post) {
    std::int64_t selected = 0;  // 0: the top of the library
    if (form.folder_id) {
      selected = *form.folder_id;
    } else if (library.folder) {
      selected = library.folder->id;
    }
    data choices(data::type::list);
    for (const auto& [id, path] : service.folder_choices(group.id)) {
      data choice;
      choice.set("id", std::to_string(id));
      choice.set("name", path);
      if (selected == id) choice.set("selected", true);
      choices.push_back(choice);
    }
    page.set("folder_choices", choices);
    page.set("group_id", std::to_string(group.id));
    page.set("upload_path", std::string(kUploadPath));
    page.set("upload_title", form.title);
    page.set("upload_description", form.description);
    page.set("new_folder_name", form.folder_name);
    page.set("new_folder_path", group.path() + "/documenten/mappen");
  }
  add_errors(page, site, language, errors, error_field);
  http::Response response = site.page(request, kLibraryTemplate, std::move(page), status);
  response.headers.set("Cache-Control", "private, no-cache");
  return response;
}

http::Response document_page(const web::Site& site, const RouteOptions& options, const http::Request& request,
                             const DocumentPage& view, const std::vector<Error>& errors, int status) {
  const std::string_view language = site.language_of(request);
  const Document& document = view.document;
  data page;
  set_group(page, view.place, options, request, "documenten");
  page.set("title", document.title);
  page.set("document_title", document.title);
  if (!document.description.empty()) page.set("description", document.description);  // sections: "" is true
  page.set("id", std::to_string(document.id));
  page.set("trail", trail_data(view.place.group, view.trail));
  page.set("back_href", library_path(view.place.group, document.folder_id));
  page.set("created_by", author_text(site, language, document.created_by_name));
  page.set("created", when_text(document.created_at, language));
  data versions(data::type::list);
  for (const Version& version : view.versions) {
    data item;
    item.set("number", std::to_string(version.number));
    item.set("by", author_text(site, language, version.uploaded_by_name));
    item.set("when", when_text(version.uploaded_at, language));
    item.set("size", size_text(version.size_bytes, language));
    item.set("type", std::string(site.text(language, type_key(version.mime_type))));
    item.set("filename", version.filename);
    item.set("href",
             "/documenten/" + std::to_string(document.id) + "/versies/" + std::to_string(version.number));
    versions.push_back(item);
  }
  page.set("versions", versions);
  if (!view.versions.empty()) {
    page.set("download_href", "/documenten/" + std::to_string(document.id) + "/versies/" +
                                  std::to_string(view.versions.front().number));
  }
  if (view.can_add_version) {
    page.set("can_add_version", true);
    page.set("version_path", std::string(kVersionUploadPath));
  }
  if (view.can_delete) page.set("can_delete", true);
  add_errors(page, site, language, errors, "bestand");
  http::Response response = site.page(request, kDocumentTemplate, std::move(page), status);
  response.headers.set("Cache-Control", "private, no-cache");
  return response;
}

std::optional<std::int64_t> optional_id(std::string_view text) {
  if (text.empty() || text == "0") return std::nullopt;
  return http::parse_id(text).value_or(-1);  // -1: matches no folder, so an unknown one is refused
}

// The library's GET.
http::Response show_library(const web::Site& site, Service& service, const RouteOptions& options,
                            const http::Request& request) {
  const http::FormData query = http::FormData::parse(request.query);
  const auto folder_id = optional_id(query.value_or("map", ""));
  const auto library = service.library(viewer_of(request), request.path_param("network"),
                                       request.path_param("group"), folder_id);
  if (!library) return site.error_page(&request, 404);
  return library_page(site, service, options, request, *library, UploadForm{}, {}, "titel", 200);
}

http::Response upload(const web::Site& site, Service& service, const RouteOptions& options,
                      const http::Request& request) {
  const auto multipart = http::Multipart::parse(request.header("content-type"), request.body);
  if (!multipart) return site.error_page(&request, 400);
  const http::FormData form = multipart->fields();
  if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
  if (!request.viewer) return sign_in_redirect(request);
  const auto group_id = http::parse_id(form.value_or("groep", ""));
  if (!group_id) return site.error_page(&request, 404);
  const http::MultipartPart* file = multipart->file("bestand");
  UploadInput input;
  input.group_id = *group_id;
  input.folder_id = optional_id(form.value_or("map", ""));
  input.title = std::string(form.value_or("titel", ""));
  input.description = std::string(form.value_or("omschrijving", ""));
  input.filename = file && file->filename ? *file->filename : "";
  input.bytes = file ? std::string_view(file->body) : std::string_view();
  const Outcome outcome = service.upload(request.viewer, input);
  if (outcome.ok()) {
    return redirect_with_flash(site, "/documenten/" + std::to_string(outcome.id), "flash.documents.uploaded");
  }
  if (outcome.failure == Failure::NotFound || outcome.failure == Failure::Forbidden) {
    return site.error_page(&request, status_of(outcome.failure));
  }
  const auto library = service.library_of(
      request.viewer, *group_id, input.folder_id && *input.folder_id > 0 ? input.folder_id : std::nullopt);
  if (!library) return site.error_page(&request, 404);
  return library_page(site, service, options, request, *library,
                      UploadForm{input.title, input.description, input.folder_id, ""}, outcome.errors,
                      "bestand", status_of(outcome.failure));
}

http::Response add_version(const web::Site& site, Service& service, const RouteOptions& options,
                           const http::Request& request) {
  const auto multipart = http::Multipart::parse(request.header("content-type"), request.body);
  if (!multipart) return site.error_page(&request, 400);
  const http::FormData form = multipart->fields();
  if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
  if (!request.viewer) return sign_in_redirect(request);
  const auto document_id = http::parse_id(form.value_or("document", ""));
  if (!document_id) return site.error_page(&request, 404);
  const http::MultipartPart* file = multipart->file("bestand");
  const Outcome outcome =
      service.add_version(request.viewer, *document_id, file && file->filename ? *file->filename : "",
                          file ? std::string_view(file->body) : std::string_view());
  if (outcome.ok()) {
    return redirect_with_flash(site, "/documenten/" + std::to_string(*document_id),
                               "flash.documents.versioned");
  }
  if (outcome.failure == Failure::NotFound || outcome.failure == Failure::Forbidden) {
    return site.error_page(&request, status_of(outcome.failure));
  }
  const auto view = service.document(request.viewer, *document_id);
  if (!view) return site.error_page(&request, 404);
  return document_page(site, options, request, *view, outcome.errors, status_of(outcome.failure));
}

http::Response download(const web::Site& site, Service& service, const http::Request& request) {
  const auto id = http::parse_id(request.path_param("id"));
  const auto number = http::parse_id(request.path_param("number"));
  if (!id || !number) return site.error_page(&request, 404);
  auto file = service.download(request.viewer, *id, *number);
  if (!file) return site.error_page(&request, 404);
  http::Response response;
  response.status = 200;
  response.body = std::move(file->bytes);
  // The type libmagic saw; text with its charset. Always an attachment: nothing uploaded is ever
  // rendered by the browser as part of our site (an HTML file could not be uploaded anyway).
  response.headers.set("Content-Type", file->mime_type.starts_with("text/")
                                           ? file->mime_type + "; charset=utf-8"
                                           : file->mime_type);
  response.headers.set("Content-Disposition", "attachment; filename=\"" + file->filename +
                                                  "\"; filename*=UTF-8''" +
                                                  http::percent_encode(file->filename));
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Content-Security-Policy", "default-src 'none'; sandbox");
  // Who may download can change (a member leaves a group): never from a shared cache.
  response.headers.set("Cache-Control", "private, no-cache");
  return response;
}

// Folder forms: create (under a parent), rename, delete (when empty).
http::Response create_folder(const web::Site& site, Service& service, const RouteOptions& options,
                             const http::Request& request) {
  const http::FormData form = http::FormData::parse(request.body);
  if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
  if (!request.viewer) return sign_in_redirect(request);
  const auto place =
      service.place(request.viewer, request.path_param("network"), request.path_param("group"));
  if (!place) return site.error_page(&request, 404);
  const auto parent = optional_id(form.value_or("bovenliggend", ""));
  const Outcome outcome =
      service.create_folder(request.viewer, place->group.id, parent, form.value_or("naam", ""));
  if (outcome.ok()) {
    return redirect_with_flash(site, library_path(place->group, outcome.id),
                               "flash.documents.folder_created");
  }
  if (outcome.failure != Failure::Invalid) return site.error_page(&request, status_of(outcome.failure));
  const auto library = service.library_of(request.viewer, place->group.id, parent);
  if (!library) return site.error_page(&request, 404);
  UploadForm kept;
  kept.folder_name = std::string(form.value_or("naam", ""));
  return library_page(site, service, options, request, *library, kept, outcome.errors, "naam", 422);
}

http::Response change_folder(const web::Site& site, Service& service, const RouteOptions& options,
                             const http::Request& request, bool remove) {
  const http::FormData form = http::FormData::parse(request.body);
  if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
  if (!request.viewer) return sign_in_redirect(request);
  const auto id = http::parse_id(request.path_param("id"));
  if (!id) return site.error_page(&request, 404);
  const Outcome outcome = remove ? service.delete_folder(request.viewer, *id)
                                 : service.rename_folder(request.viewer, *id, form.value_or("naam", ""));
  if (outcome.ok()) {
    return redirect_with_flash(site,
                               outcome.group_path + "/documenten" +
                                   (outcome.id > 0 ? "?map=" + std::to_string(outcome.id) : std::string()),
                               remove ? "flash.documents.folder_deleted" : "flash.documents.folder_renamed");
  }
  if (outcome.failure != Failure::Invalid) return site.error_page(&request, status_of(outcome.failure));
  // The folder again, with the message next to its rename form (whose field is "map_naam").
  const auto library = service.library_of(request.viewer, outcome.group_id, *id);
  if (!library) return site.error_page(&request, 404);
  std::vector<Error> errors = outcome.errors;
  for (Error& error : errors) error.field = "map_naam";
  return library_page(site, service, options, request, *library, UploadForm{}, errors, "map_naam", 422);
}

http::Response delete_document(const web::Site& site, Service& service, const http::Request& request) {
  const http::FormData form = http::FormData::parse(request.body);
  if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
  if (!request.viewer) return sign_in_redirect(request);
  const auto id = http::parse_id(request.path_param("id"));
  if (!id) return site.error_page(&request, 404);
  const Outcome outcome = service.delete_document(request.viewer, *id);
  if (!outcome.ok()) return site.error_page(&request, status_of(outcome.failure));
  return redirect_with_flash(site,
                             outcome.group_path + "/documenten" +
                                 (outcome.id > 0 ? "?map=" + std::to_string(outcome.id) : std::string()),
                             "flash.documents.deleted");
}

// ---- Wiki

std::string revision_line(const web::Site& site, std::string_view language, const WikiPage& page) {
  return author_text(site, language, page.updated_by_name) + ", " + when_text(page.updated_at, language);
}

http::Response wiki_index(const web::Site& site, Service& service, const RouteOptions& options,
                          const http::Request& request) {
  const auto index = service.wiki(request.viewer, request.path_param("network"), request.path_param("group"));
  if (!index) return site.error_page(&request, 404);
  const std::string_view language = site.language_of(request);
  data page;
  set_group(page, index->place, options, request, "wiki");
  page.set("title",
           std::string(site.text(language, "documents.wiki.title")) + " · " + index->place.group.name);
  data pages(data::type::list);
  for (const WikiPage& wiki_page : index->pages) {
    data item;
    item.set("title", wiki_page.title);
    item.set("href", wiki_path(index->place.group, wiki_page.slug));
    item.set("updated", revision_line(site, language, wiki_page));
    pages.push_back(item);
  }
  page.set("pages", pages);
  if (index->pages.empty()) page.set("nothing", true);
  page.set("new_href", wiki_path(index->place.group, "nieuw"));
  http::Response response = site.page(request, kWikiIndexTemplate, std::move(page));
  response.headers.set("Cache-Control", "private, no-cache");
  return response;
}

http::Response wiki_show(const web::Site& site, Service& service, const RouteOptions& options,
                         const http::Request& request) {
  const auto view = service.wiki_page(request.viewer, request.path_param("network"),
                                      request.path_param("group"), request.path_param("slug"));
  if (!view) return site.error_page(&request, 404);
  const std::string_view language = site.language_of(request);
  data page;
  set_group(page, view->place, options, request, "wiki");
  page.set("title", view->page.title);
  page.set("page_title", view->page.title);
  page.set("body_html", view->page.body_html);
  page.set("updated", revision_line(site, language, view->page));
  page.set("revision", std::to_string(view->page.revision));
  const std::string path = wiki_path(view->place.group, view->page.slug);
  page.set("edit_href", path + "/bewerken");
  page.set("history_href", path + "/geschiedenis");
  http::Response response = site.page(request, kWikiPageTemplate, std::move(page));
  response.headers.set("Cache-Control", "private, no-cache");
  return response;
}

struct EditForm {
  std::string title;
  std::string body;
  std::int64_t base = 0;  // 0: a new page
};

http::Response wiki_form(const web::Site& site, const RouteOptions& options, const http::Request& request,
                         const Place& place, const EditForm& form, std::string_view action,
                         const std::vector<Error>& errors, int status, const WikiPage* current = nullptr) {
  const std::string_view language = site.language_of(request);
  data page;
  set_group(page, place, options, request, "wiki");
  page.set("title", std::string(site.text(language, form.base == 0 ? "documents.wiki.new_title"
                                                                   : "documents.wiki.edit_title")) +
                        " · " + place.group.name);
  if (form.base == 0) page.set("is_new", true);
  page.set("action", std::string(action));
  page.set("page_title", form.title);
  page.set("body", form.body);
  page.set("base", std::to_string(form.base));
  page.set("cancel_href", form.base == 0 ? wiki_path(place.group) : std::string(action));
  if (current != nullptr) {
    // Someone saved first: their version beside the member's own, and what differs.
    data conflict;
    conflict.set("by", author_text(site, language, current->updated_by_name));
    conflict.set("when", when_text(current->updated_at, language));
    conflict.set("revision", std::to_string(current->revision));
    conflict.set("their_title", current->title);
    conflict.set("their_body", current->body_markdown);
    data lines(data::type::list);
    for (const DiffLine& line : line_diff(current->body_markdown, form.body)) {
      data item;
      item.set("text", line.text);
      item.set(line.kind == DiffLine::Kind::Same      ? "same"
               : line.kind == DiffLine::Kind::Removed ? "removed"
                                                      : "added",
               true);
      lines.push_back(item);
    }
    conflict.set("lines", lines);
    page.set("conflict", conflict);
  }
  add_errors(page, site, language, errors, "tekst");
  http::Response response = site.page(request, kWikiEditTemplate, std::move(page), status);
  response.headers.set("Cache-Control", "private, no-store");
  return response;
}

http::Response wiki_new(const web::Site& site, Service& service, const RouteOptions& options,
                        const http::Request& request) {
  if (!request.viewer) return sign_in_redirect(request);
  const auto place =
      service.place(request.viewer, request.path_param("network"), request.path_param("group"));
  if (!place) return site.error_page(&request, 404);
  if (!place->access.can_post) return site.error_page(&request, 403);
  return wiki_form(site, options, request, *place, EditForm{}, wiki_path(place->group), {}, 200);
}

http::Response wiki_create(const web::Site& site, Service& service, const RouteOptions& options,
                           const http::Request& request) {
  const http::FormData form = http::FormData::parse(request.body);
  if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
  if (!request.viewer) return sign_in_redirect(request);
  const auto place =
      service.place(request.viewer, request.path_param("network"), request.path_param("group"));
  if (!place) return site.error_page(&request, 404);
  const EditForm kept{std::string(form.value_or("titel", "")), std::string(form.value_or("tekst", "")), 0};
  const Outcome outcome = service.create_page(request.viewer, place->group.id, kept.title, kept.body);
  if (outcome.ok()) {
    return redirect_with_flash(site, wiki_path(place->group, outcome.slug), "flash.documents.page_created");
  }
  if (outcome.failure != Failure::Invalid) return site.error_page(&request, status_of(outcome.failure));
  return wiki_form(site, options, request, *place, kept, wiki_path(place->group), outcome.errors, 422);
}

http::Response wiki_edit(const web::Site& site, Service& service, const RouteOptions& options,
                         const http::Request& request) {
  if (!request.viewer) return sign_in_redirect(request);
  const auto view = service.wiki_page(request.viewer, request.path_param("network"),
                                      request.path_param("group"), request.path_param("slug"));
  if (!view) return site.error_page(&request, 404);
  if (!view->place.access.can_post) return site.error_page(&request, 403);
  return wiki_form(site, options, request, view->place,
                   EditForm{view->page.title, view->page.body_markdown, view->page.revision},
                   wiki_path(view->place.group, view->page.slug), {}, 200);
}

http::Response wiki_save(const web::Site& site, Service& service, const RouteOptions& options,
                         const http::Request& request) {
  const http::FormData form = http::FormData::parse(request.body);
  if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
  if (!request.viewer) return sign_in_redirect(request);
  const auto view = service.wiki_page(request.viewer, request.path_param("network"),
                                      request.path_param("group"), request.path_param("slug"));
  if (!view) return site.error_page(&request, 404);
  const auto base = http::parse_id(form.value_or("basis", ""));
  EditForm kept{std::string(form.value_or("titel", "")), std::string(form.value_or("tekst", "")),
                base.value_or(0)};
  const std::string action = wiki_path(view->place.group, view->page.slug);
  if (!base) {
    kept.base = view->page.revision;
    return wiki_form(site, options, request, view->place, kept, action,
                     {{"tekst", "documents.error.edit_conflict"}}, 409, &view->page);
  }
  const WikiSave save = service.save_page(request.viewer, view->page.id, *base, kept.title, kept.body);
  if (save.outcome.ok()) return redirect_with_flash(site, action, "flash.documents.page_saved");
  if (save.outcome.failure == Failure::Conflict && save.current) {
    // The next save starts from the newest revision: the member merges and saves again.
    kept.base = save.current->revision;
    return wiki_form(site, options, request, view->place, kept, action, save.outcome.errors, 409,
                     &*save.current);
  }
  if (save.outcome.failure != Failure::Invalid)
    return site.error_page(&request, status_of(save.outcome.failure));
  return wiki_form(site, options, request, view->place, kept, action, save.outcome.errors, 422);
}

http::Response wiki_history(const web::Site& site, Service& service, const RouteOptions& options,
                            const http::Request& request) {
  const auto history = service.history(request.viewer, request.path_param("network"),
                                       request.path_param("group"), request.path_param("slug"));
  if (!history) return site.error_page(&request, 404);
  const std::string_view language = site.language_of(request);
  data page;
  set_group(page, history->place, options, request, "wiki");
  page.set("title",
           std::string(site.text(language, "documents.history.title")) + " · " + history->page.title);
  page.set("page_title", history->page.title);
  const std::string path = wiki_path(history->place.group, history->page.slug);
  page.set("page_href", path);
  page.set("diff_path", path + "/verschil");
  data revisions(data::type::list);
  data from_choices(data::type::list);
  data to_choices(data::type::list);
  const std::int64_t newest = history->revisions.empty() ? 0 : history->revisions.front().number;
  for (const WikiRevision& revision : history->revisions) {
    data item;
    item.set("number", std::to_string(revision.number));
    item.set("title", revision.title);
    item.set("by", author_text(site, language, revision.author_name));
    item.set("when", when_text(revision.created_at, language));
    if (revision.number > 1) {
      item.set("diff_href", path + "/verschil?van=" + std::to_string(revision.number - 1) +
                                "&naar=" + std::to_string(revision.number));
    }
    revisions.push_back(item);
    data from;
    from.set("number", std::to_string(revision.number));
    if (revision.number == newest - 1) from.set("selected", true);
    from_choices.push_back(from);
    data to;
    to.set("number", std::to_string(revision.number));
    if (revision.number == newest) to.set("selected", true);
    to_choices.push_back(to);
  }
  page.set("revisions", revisions);
  if (history->revisions.size() > 1) {
    page.set("from_choices", from_choices);
    page.set("to_choices", to_choices);
    page.set("can_compare", true);
  }
  http::Response response = site.page(request, kWikiHistoryTemplate, std::move(page));
  response.headers.set("Cache-Control", "private, no-cache");
  return response;
}

http::Response wiki_diff(const web::Site& site, Service& service, const RouteOptions& options,
                         const http::Request& request) {
  const http::FormData query = http::FormData::parse(request.query);
  const auto from = http::parse_id(query.value_or("van", ""));
  const auto to = http::parse_id(query.value_or("naar", ""));
  if (!from || !to) return site.error_page(&request, 404);
  const auto diff = service.diff(request.viewer, request.path_param("network"), request.path_param("group"),
                                 request.path_param("slug"), *from, *to);
  if (!diff) return site.error_page(&request, 404);
  const std::string_view language = site.language_of(request);
  data page;
  set_group(page, diff->place, options, request, "wiki");
  page.set("title", std::string(site.text(language, "documents.diff.title")) + " · " + diff->page.title);
  page.set("page_title", diff->page.title);
  const std::string path = wiki_path(diff->place.group, diff->page.slug);
  page.set("page_href", path);
  page.set("history_href", path + "/geschiedenis");
  for (const auto& [key, revision] : {std::pair<const char*, const WikiRevision*>{"from", &diff->from},
                                      std::pair<const char*, const WikiRevision*>{"to", &diff->to}}) {
    data item;
    item.set("number", std::to_string(revision->number));
    item.set("title", revision->title);
    item.set("by", author_text(site, language, revision->author_name));
    item.set("when", when_text(revision->created_at, language));
    page.set(key, item);
  }
  if (diff->from.title != diff->to.title) page.set("title_changed", true);
  data lines(data::type::list);
  bool changed = false;
  for (const DiffLine& line : diff->lines) {
    data item;
    item.set("text", line.text);
    const char* kind = line.kind == DiffLine::Kind::Same      ? "same"
                       : line.kind == DiffLine::Kind::Removed ? "removed"
                                                              : "added";
    item.set(kind, true);
    changed = changed || line.kind != DiffLine::Kind::Same;
    lines.push_back(item);
  }
  page.set("lines", lines);
  if (!changed) page.set("identical", true);
  http::Response response = site.page(request, kWikiDiffTemplate, std::move(page));
  response.headers.set("Cache-Control", "private, no-cache");
  return response;
}

}  // namespace

void register_routes(http::Router& router, const web::Site& site, Service& service, RouteOptions options) {
  site.require_templates({kLibraryTemplate, kDocumentTemplate, kWikiIndexTemplate, kWikiPageTemplate,
                          kWikiEditTemplate, kWikiHistoryTemplate, kWikiDiffTemplate});
  // The routes outlive this call: they share one copy of the options.
  auto shared = std::make_shared<RouteOptions>(std::move(options));

  router.get("/groepen/{network}/{group}/documenten", [&site, &service, shared](http::Request& request) {
    return show_library(site, service, *shared, request);
  });
  router.post("/groepen/{network}/{group}/documenten/mappen",
              [&site, &service, shared](http::Request& request) {
                return create_folder(site, service, *shared, request);
              });
  router.post("/documenten/mappen/{id}/hernoemen", [&site, &service, shared](http::Request& request) {
    return change_folder(site, service, *shared, request, false);
  });
  router.post("/documenten/mappen/{id}/verwijderen", [&site, &service, shared](http::Request& request) {
    return change_folder(site, service, *shared, request, true);
  });
  router.post(kUploadPath, [&site, &service, shared](http::Request& request) {
    return upload(site, service, *shared, request);
  });
  router.post(kVersionUploadPath, [&site, &service, shared](http::Request& request) {
    return add_version(site, service, *shared, request);
  });
  router.get("/documenten/{id}", [&site, &service, shared](http::Request& request) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site.error_page(&request, 404);
    const auto view = service.document(request.viewer, *id);
    if (!view) return site.error_page(&request, 404);
    return document_page(site, *shared, request, *view, {}, 200);
  });
  router.get("/documenten/{id}/versies/{number}",
             [&site, &service](http::Request& request) { return download(site, service, request); });
  router.post("/documenten/{id}/verwijderen",
              [&site, &service](http::Request& request) { return delete_document(site, service, request); });

  router.get("/groepen/{network}/{group}/wiki", [&site, &service, shared](http::Request& request) {
    return wiki_index(site, service, *shared, request);
  });
  router.post("/groepen/{network}/{group}/wiki", [&site, &service, shared](http::Request& request) {
    return wiki_create(site, service, *shared, request);
  });
  router.get("/groepen/{network}/{group}/wiki/nieuw", [&site, &service, shared](http::Request& request) {
    return wiki_new(site, service, *shared, request);
  });
  router.get("/groepen/{network}/{group}/wiki/{slug}", [&site, &service, shared](http::Request& request) {
    return wiki_show(site, service, *shared, request);
  });
  router.post("/groepen/{network}/{group}/wiki/{slug}", [&site, &service, shared](http::Request& request) {
    return wiki_save(site, service, *shared, request);
  });
  router.get("/groepen/{network}/{group}/wiki/{slug}/bewerken",
             [&site, &service, shared](http::Request& request) {
               return wiki_edit(site, service, *shared, request);
             });
  router.get("/groepen/{network}/{group}/wiki/{slug}/geschiedenis",
             [&site, &service, shared](http::Request& request) {
               return wiki_history(site, service, *shared, request);
             });
  router.get("/groepen/{network}/{group}/wiki/{slug}/verschil",
             [&site, &service, shared](http::Request& request) {
               return wiki_diff(site, service, *shared, request);
             });
}

}  // namespace documents
