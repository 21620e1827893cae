#include "contacts/routes.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "api/json_responses.h"
#include "contacts/records.h"
#include "contacts/store.h"
#include "events/format.h"
#include "http/parsers.h"

namespace contacts {

namespace {

namespace mustache = kainjow::mustache;

constexpr std::int64_t kPageSize = 50;
constexpr std::string_view kTimezone = "Europe/Amsterdam";
constexpr std::array<std::string_view, 3> kLegalBases{"gerechtvaardigd belang", "toestemming",
                                                      "overeenkomst"};
constexpr std::array<std::string_view, 3> kLegalBasisKeys{"contacts.import.legal_basis_legitimate_interest",
                                                          "contacts.import.legal_basis_consent",
                                                          "contacts.import.legal_basis_contract"};

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string base_url(const NetworkRef& network) { return "/netwerken/" + network.slug + "/contacten"; }

http::Response sign_in_redirect(const http::Request& request) {
  return http::Response::redirect("/inloggen?next=" +
                                  http::percent_encode(web::local_path_or_root(request.target)));
}

std::string status_key(const Contact& contact) {
  if (contact.account_id) return "contacts.status.member";
  if (contact.unsubscribed_at) return "contacts.status.unsubscribed";
  if (contact.bounced_at) return "contacts.status.bounced";
  if (contact.response) return "contacts.status." + std::string(to_string(*contact.response));
  return "contacts.status.new";
}

// Shared by every page: the network named in the path, and whether the viewer may manage it.
class Pages {
 public:
  Pages(const web::Site& site, Service& service) : site_(site), service_(service) {}

  // The network and nothing else when the viewer may manage it; else the answer to give.
  struct Access {
    std::optional<NetworkRef> network;
    std::optional<http::Response> refusal;
  };
  Access access(const http::Request& request, std::string_view slug) {
    Access result;
    if (!request.viewer) {
      result.refusal = sign_in_redirect(request);
      return result;
    }
    auto network = service_.network(slug);
    if (!network) {
      result.refusal = site_.error_page(&request, 404);
      return result;
    }
    if (!service_.may_manage(request.viewer, network->id)) {
      result.refusal = site_.error_page(&request, 403);
      return result;
    }
    result.network = std::move(network);
    return result;
  }

  std::string text(const http::Request& request, std::string_view key) const {
    return std::string(site_.text(site_.language_of(request), key));
  }
  std::string date(const http::Request& request, std::int64_t at) const {
    return events::format_date(at, kTimezone, site_.language_of(request));
  }

  http::Response list(const http::Request& request, const web::FormErrors& errors = {}, int status = 200,
                      std::optional<std::string> retention_value = std::nullopt) {
    auto access_result = access(request, request.path_param("slug"));
    if (!access_result.network) return *access_result.refusal;
    const NetworkRef& network = *access_result.network;
    const http::FormData query = http::FormData::parse(request.query);
    store::Filter filter;
    filter.network_id = network.id;
    filter.town = std::string(query.value_or("plaats", ""));
    filter.region = std::string(query.value_or("regio", ""));
    filter.discipline = std::string(query.value_or("vakgebied", ""));
    filter.source = std::string(query.value_or("bron", ""));
    filter.query = std::string(query.value_or("q", "")).substr(0, 200);
    const std::string responded(query.value_or("reactie", ""));
    if (responded == "ja") filter.responded = true;
    if (responded == "nee") filter.responded = false;
    const std::string status_filter(query.value_or("status", ""));
    if (status_filter == "mailable" || status_filter == "unsubscribed" || status_filter == "bounced" ||
        status_filter == "member") {
      filter.status = status_filter;
    }
    const std::int64_t page =
        std::clamp<std::int64_t>(http::parse_id(query.value_or("pagina", "1")).value_or(1), 1, 1000000);
    filter.limit = kPageSize;
    filter.offset = (page - 1) * kPageSize;

    struct Loaded {
      std::vector<Contact> contacts;
      std::int64_t count = 0;
      store::Totals totals;
      std::vector<std::pair<std::string, std::int64_t>> towns, regions, disciplines, sources;
      std::vector<ImportSummary> imports;
      std::int64_t retention = 0;
    };
    Loaded loaded = service_.database().read([&](db::Session& session) {
      Loaded l;
      l.contacts = store::list(session, filter);
      l.count = store::count(session, filter);
      l.totals = store::totals(session, network.id);
      l.towns = store::facet(session, network.id, "town", 200);
      l.regions = store::facet(session, network.id, "region", 50);
      l.disciplines = store::facet(session, network.id, "discipline", 100);
      l.sources = store::facet(session, network.id, "source", 100);
      l.imports = store::imports_of_network(session, network.id, 20);
      l.retention = retention_days(session, network.id);
      return l;
    });

    mustache::data page_data;
    page_data.set("title", fill(text(request, "contacts.title_of"), {{"network", network.name}}));
    page_data.set("totals", fill(text(request, "contacts.totals"),
                                 {{"contacts", std::to_string(loaded.totals.contacts)},
                                  {"responded", std::to_string(loaded.totals.responded)},
                                  {"members", std::to_string(loaded.totals.members)},
                                  {"unsubscribed", std::to_string(loaded.totals.unsubscribed)},
                                  {"bounced", std::to_string(loaded.totals.bounced)}}));
    page_data.set("list_url", base_url(network));
    page_data.set("import_url", base_url(network) + "/importeren");
    page_data.set("campaigns_url", "/netwerken/" + network.slug + "/campagnes");
    page_data.set("retention_url", base_url(network) + "/bewaartermijn");
    page_data.set("query", filter.query);
    const auto facet_list = [](const std::vector<std::pair<std::string, std::int64_t>>& values,
                               const std::string& selected) {
      mustache::data list{mustache::data::type::list};
      for (const auto& [value, count] : values) {
        mustache::data item;
        item.set("value", value);
        item.set("count", std::to_string(count));
        item.set("selected", value == selected);
        list.push_back(item);
      }
      return list;
    };
    page_data.set("towns", facet_list(loaded.towns, filter.town));
    page_data.set("regions", facet_list(loaded.regions, filter.region));
    page_data.set("disciplines", facet_list(loaded.disciplines, filter.discipline));
    page_data.set("sources", facet_list(loaded.sources, filter.source));
    page_data.set("responded_yes", responded == "ja");
    page_data.set("responded_no", responded == "nee");
    mustache::data statuses{mustache::data::type::list};
    for (std::string_view value : {"mailable", "unsubscribed", "bounced", "member"}) {
      mustache::data item;
      item.set("value", std::string(value));
      item.set("label", text(request, "contacts.filter.status_" + std::string(value)));
      item.set("selected", filter.status == value);
      statuses.push_back(item);
    }
    page_data.set("statuses", statuses);
    page_data.set("count", fill(text(request, "contacts.count"), {{"n", std::to_string(loaded.count)}}));
    mustache::data rows{mustache::data::type::list};
    for (const Contact& contact : loaded.contacts) {
      mustache::data row;
      row.set("url", base_url(network) + "/" + std::to_string(contact.id));
      row.set("display_name", contact.name.empty() ? contact.email : contact.name);
      row.set("organisation", contact.organisation);
      row.set("email", contact.email);
      row.set("town", contact.town);
      row.set("discipline", contact.discipline);
      row.set("source", contact.source);
      row.set("status", text(request, status_key(contact)));
      rows.push_back(row);
    }
    page_data.set("has_contacts", !loaded.contacts.empty());
    page_data.set("contacts", rows);
    const std::int64_t pages = std::max<std::int64_t>(1, (loaded.count + kPageSize - 1) / kPageSize);
    page_data.set("page_label", fill(text(request, "contacts.paging.page"),
                                     {{"page", std::to_string(page)}, {"pages", std::to_string(pages)}}));
    const auto page_url = [&](std::int64_t number) {
      std::string url = base_url(network) + "?";
      for (const auto& [name, value] : query.entries()) {
        if (name == "pagina") continue;
        url += http::percent_encode(name) + "=" + http::percent_encode(value) + "&";
      }
      return url + "pagina=" + std::to_string(number);
    };
    if (page > 1) page_data.set("previous_url", page_url(page - 1));
    if (page < pages) page_data.set("next_url", page_url(page + 1));
    mustache::data imports{mustache::data::type::list};
    for (const ImportSummary& import : loaded.imports) {
      mustache::data item;
      item.set("url", base_url(network) + "/importen/" + std::to_string(import.id));
      item.set("date", date(request, import.created_at));
      item.set("file_name", import.file_name);
      item.set("summary", fill(text(request, "contacts.report.summary"),
                               {{"total", std::to_string(import.rows_total)},
                                {"added", std::to_string(import.rows_added)},
                                {"merged", std::to_string(import.rows_merged)},
                                {"refused", std::to_string(import.rows_refused)}}));
      imports.push_back(item);
    }
    page_data.set("has_imports", !loaded.imports.empty());
    page_data.set("imports", imports);
    page_data.set("retention_days", retention_value.value_or(std::to_string(loaded.retention)));
    errors.add_to(page_data, site_.catalog(), site_.language_of(request));
    return site_.page(request, "contacts/list", std::move(page_data), status);
  }

  http::Response save_retention(const http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto access_result = access(request, request.path_param("slug"));
    if (!access_result.network) return *access_result.refusal;
    const std::string value(form.value_or("dagen", ""));
    const auto days = http::parse_id(value);
    if (!days || *days < 1 || *days > 3650) {
      web::FormErrors errors;
      errors.add("dagen", "contacts.retention.invalid");
      return list(request, errors, 422, value);
    }
    service_.database().write(
        [&](db::Session& session) { set_retention_days(session, access_result.network->id, *days); });
    http::Response response = http::Response::redirect(base_url(*access_result.network));
    site_.set_flash(response, "contacts.flash.retention_saved");
    return response;
  }

  http::Response upload_form(const http::Request& request) {
    auto access_result = access(request, request.path_param("slug"));
    if (!access_result.network) return *access_result.refusal;
    return upload_page(request, *access_result.network, {}, 200);
  }

  http::Response upload_page(const http::Request& request, const NetworkRef& network,
                             const web::FormErrors& errors, int status) {
    mustache::data data;
    data.set("title", text(request, "contacts.import.title"));
    data.set("network_name", network.name);
    data.set("network_slug", network.slug);
    data.set("list_url", base_url(network));
    data.set("upload_url", std::string(kUploadPath));
    errors.add_to(data, site_.catalog(), site_.language_of(request));
    return site_.page(request, "contacts/upload", std::move(data), status);
  }

  http::Response upload(const http::Request& request) {
    const auto multipart = http::Multipart::parse(request.header("content-type"), request.body);
    if (!multipart) return site_.error_page(&request, 400);
    const http::FormData form = multipart->fields();
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto access_result = access(request, form.value_or("netwerk", ""));
    if (!access_result.network) return *access_result.refusal;
    const NetworkRef& network = *access_result.network;
    const http::MultipartPart* file = multipart->file("bestand");
    web::FormErrors errors;
    if (file == nullptr || !file->filename || file->filename->empty()) {
      errors.add("bestand", "contacts.file.missing");
      return upload_page(request, network, errors, 422);
    }
    if (file->body.size() > kMaxWebBytes) {
      errors.add("bestand", "contacts.file.too_large");
      return upload_page(request, network, errors, 413);
    }
    Preview preview_result = preview(file->body, 5);
    if (preview_result.problem) {
      errors.add("bestand", "contacts.file." + std::string(to_string(*preview_result.problem)));
      return upload_page(request, network, errors,
                         *preview_result.problem == FileProblem::TooManyRows ? 413 : 422);
    }
    const std::string token = service_.keep_upload(network.id, file->body);
    MapForm map_form;
    map_form.token = token;
    map_form.file_name = file->filename->substr(0, 200);
    map_form.columns = preview_result.columns;
    map_form.legal_basis = std::string(kLegalBases[0]);
    return map_page(request, network, preview_result, map_form, {}, 200);
  }

  struct MapForm {
    std::string token;
    std::string file_name;
    ColumnMap columns;
    std::string source;
    std::string legal_basis;
  };

  http::Response map_page(const http::Request& request, const NetworkRef& network,
                          const Preview& file_preview, const MapForm& form, const web::FormErrors& errors,
                          int status) {
    mustache::data data;
    data.set("title", text(request, "contacts.import.map_title"));
    data.set("network_name", network.name);
    data.set("list_url", base_url(network));
    data.set("map_url", base_url(network) + "/importeren/koppelen");
    data.set("token", form.token);
    data.set("file_name", form.file_name);
    data.set("source", form.source);
    const std::string separator =
        file_preview.separator == '\t' ? "tab" : std::string(1, file_preview.separator);
    data.set("file_facts", fill(text(request, "contacts.import.file_facts"),
                                {{"rows", std::to_string(file_preview.rows_total)},
                                 {"encoding", std::string(to_string(file_preview.encoding))},
                                 {"separator", separator}}));
    mustache::data fields{mustache::data::type::list};
    for (Field field : kFields) {
      const std::string id = "veld_" + std::string(to_string(field));
      mustache::data item;
      item.set("id", id);
      item.set("label", text(request, "contacts.field." + std::string(to_string(field))));
      const bool invalid = errors.has(id);
      item.set("invalid", invalid);
      if (invalid) item.set("error", text(request, "contacts.file.missing_email_column"));
      mustache::data columns{mustache::data::type::list};
      for (std::size_t index = 0; index < file_preview.header.size(); ++index) {
        mustache::data column;
        column.set("index", std::to_string(index));
        column.set("name", file_preview.header[index].empty() ? "#" + std::to_string(index + 1)
                                                              : file_preview.header[index]);
        column.set("selected", form.columns[field] == index);
        columns.push_back(column);
      }
      item.set("columns", columns);
      fields.push_back(item);
    }
    data.set("fields", fields);
    mustache::data bases{mustache::data::type::list};
    for (std::size_t k = 0; k < kLegalBases.size(); ++k) {
      mustache::data item;
      item.set("value", std::string(kLegalBases[k]));
      item.set("label", text(request, kLegalBasisKeys[k]));
      item.set("selected", form.legal_basis == kLegalBases[k]);
      bases.push_back(item);
    }
    data.set("legal_bases", bases);
    mustache::data header{mustache::data::type::list};
    for (const std::string& name : file_preview.header) header.push_back(mustache::data(name));
    data.set("header", header);
    mustache::data rows{mustache::data::type::list};
    for (const auto& values : file_preview.rows) {
      mustache::data cells{mustache::data::type::list};
      for (const std::string& value : values) cells.push_back(mustache::data(value));
      mustache::data row;
      row.set("cells", cells);
      rows.push_back(row);
    }
    data.set("rows", rows);
    errors.add_to(data, site_.catalog(), site_.language_of(request));
    return site_.page(request, "contacts/map", std::move(data), status);
  }

  http::Response run(const http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto access_result = access(request, request.path_param("slug"));
    if (!access_result.network) return *access_result.refusal;
    const NetworkRef& network = *access_result.network;
    MapForm map_form;
    map_form.token = std::string(form.value_or("token", ""));
    map_form.file_name = std::string(form.value_or("bestandsnaam", "")).substr(0, 200);
    map_form.source = std::string(form.value_or("bron", "")).substr(0, 100);
    map_form.legal_basis = std::string(form.value_or("grondslag", ""));
    const auto bytes = service_.read_upload(network.id, map_form.token);
    if (!bytes) {
      web::FormErrors errors;
      errors.add("bestand", "contacts.file.expired");
      return upload_page(request, network, errors, 422);
    }
    const Preview file_preview = preview(*bytes, 5);
    for (Field field : kFields) {
      const auto column = http::parse_id(form.value_or("veld_" + std::string(to_string(field)), ""));
      const std::string_view raw = form.value_or("veld_" + std::string(to_string(field)), "");
      if (raw == "0") {
        map_form.columns[field] = 0;
      } else if (column && static_cast<std::size_t>(*column) < file_preview.header.size()) {
        map_form.columns[field] = static_cast<std::size_t>(*column);
      } else {
        map_form.columns[field].reset();
      }
    }
    web::FormErrors errors;
    if (!map_form.columns[Field::Email]) errors.add("veld_email", "contacts.file.missing_email_column");
    std::string source(map_form.source);
    source.erase(0, source.find_first_not_of(" \t"));
    if (source.find_first_not_of(" \t") == std::string::npos)
      errors.add("bron", "contacts.file.source_required");
    if (std::find(kLegalBases.begin(), kLegalBases.end(), map_form.legal_basis) == kLegalBases.end()) {
      errors.add("grondslag", "contacts.file.legal_basis_required");
    }
    if (!errors.empty()) return map_page(request, network, file_preview, map_form, errors, 422);

    ImportRequest import_request;
    import_request.network_id = network.id;
    import_request.created_by = request.viewer->account_id;
    import_request.file_name = map_form.file_name;
    import_request.source = source;
    import_request.legal_basis = map_form.legal_basis;
    import_request.columns = map_form.columns;
    const ImportReport report =
        run_import(service_.database(), *bytes, import_request, &service_.places(), unix_now());
    if (report.file_problem) {
      errors.add("bestand", "contacts.file." + std::string(to_string(*report.file_problem)));
      return upload_page(request, network, errors, 422);
    }
    service_.drop_upload(network.id, map_form.token);
    return http::Response::redirect(base_url(network) + "/importen/" + std::to_string(report.import_id));
  }

  std::optional<ImportSummary> import_of(const NetworkRef& network, std::string_view id_text) {
    const auto id = http::parse_id(id_text);
    if (!id) return std::nullopt;
    auto import =
        service_.database().read([&](db::Session& session) { return store::find_import(session, *id); });
    if (!import || import->network_id != network.id) return std::nullopt;
    return import;
  }

  std::string reason_text(const http::Request& request, const MergedRow& row) const {
    if (row.duplicate_of_line == 0) return text(request, "contacts.report.merged_existing");
    return fill(text(request, "contacts.report.merged_line"),
                {{"line", std::to_string(row.duplicate_of_line)}});
  }

  http::Response report(const http::Request& request) {
    auto access_result = access(request, request.path_param("slug"));
    if (!access_result.network) return *access_result.refusal;
    const NetworkRef& network = *access_result.network;
    const auto import = import_of(network, request.path_param("id"));
    if (!import) return site_.error_page(&request, 404);
    const ImportReport stored =
        ImportReport::from_json(nlohmann::json::parse(import->report_json, nullptr, false));
    mustache::data data;
    data.set("title", text(request, "contacts.report.title"));
    data.set("network_name", network.name);
    data.set("list_url", base_url(network));
    data.set("date", date(request, import->created_at));
    data.set("csv_url", base_url(network) + "/importen/" + std::to_string(import->id) + "/rapport.csv");
    data.set("file_facts", fill(text(request, "contacts.report.file_facts"),
                                {{"file", import->file_name},
                                 {"encoding", std::string(to_string(stored.encoding))},
                                 {"source", import->source},
                                 {"legal_basis", import->legal_basis}}));
    data.set("summary", fill(text(request, "contacts.report.summary"),
                             {{"total", std::to_string(import->rows_total)},
                              {"added", std::to_string(import->rows_added)},
                              {"merged", std::to_string(import->rows_merged)},
                              {"refused", std::to_string(import->rows_refused)}}));
    mustache::data refused{mustache::data::type::list};
    for (const RefusedRow& row : stored.refused_rows) {
      mustache::data item;
      item.set("line", std::to_string(row.line));
      item.set("reason", text(request, "contacts.reason." + row.reason));
      item.set("email", row.email);
      refused.push_back(item);
    }
    data.set("has_refused", !stored.refused_rows.empty());
    data.set("refused", refused);
    mustache::data merged{mustache::data::type::list};
    for (const MergedRow& row : stored.merged_rows) {
      mustache::data item;
      item.set("line", std::to_string(row.line));
      item.set("reason", reason_text(request, row));
      merged.push_back(item);
    }
    data.set("has_merged", !stored.merged_rows.empty());
    data.set("merged", merged);
    return site_.page(request, "contacts/report", std::move(data));
  }

  http::Response report_download(const http::Request& request) {
    auto access_result = access(request, request.path_param("slug"));
    if (!access_result.network) return *access_result.refusal;
    const auto import = import_of(*access_result.network, request.path_param("id"));
    if (!import) return site_.error_page(&request, 404);
    const ImportReport stored =
        ImportReport::from_json(nlohmann::json::parse(import->report_json, nullptr, false));
    http::Response response;
    response.status = 200;
    response.body = report_csv(stored, [&](std::string_view key) { return text(request, key); });
    response.headers.set("Content-Type", "text/csv; charset=utf-8");
    response.headers.set("Content-Disposition",
                         "attachment; filename=\"importrapport-" + std::to_string(import->id) + ".csv\"");
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("X-Content-Type-Options", "nosniff");
    return response;
  }

  std::optional<Contact> contact_of(const NetworkRef& network, std::string_view id_text) {
    const auto id = http::parse_id(id_text);
    if (!id) return std::nullopt;
    auto contact = service_.database().read([&](db::Session& session) { return find_contact(session, *id); });
    if (!contact || contact->network_id != network.id) return std::nullopt;
    return contact;
  }

  http::Response contact_page(const http::Request& request) {
    auto access_result = access(request, request.path_param("slug"));
    if (!access_result.network) return *access_result.refusal;
    const NetworkRef& network = *access_result.network;
    const auto contact = contact_of(network, request.path_param("id"));
    if (!contact) return site_.error_page(&request, 404);
    mustache::data data;
    const std::string display_name = contact->name.empty() ? contact->email : contact->name;
    data.set("title", display_name);
    data.set("display_name", display_name);
    data.set("network_name", network.name);
    data.set("list_url", base_url(network));
    data.set("email", contact->email);
    data.set("organisation", contact->organisation);
    data.set("town", contact->town);
    data.set("region", contact->region);
    data.set("discipline", contact->discipline);
    data.set("source", contact->source);
    data.set("legal_basis", contact->legal_basis);
    data.set("status", text(request, status_key(*contact)));
    data.set("added", date(request, contact->created_at));
    if (contact->last_mailed_at) data.set("last_mailed", date(request, *contact->last_mailed_at));
    if (contact->responded_at) data.set("responded", date(request, *contact->responded_at));
    if (contact->account_id) {
      data.set("member_url", "/leden/" + std::to_string(*contact->account_id));
      data.set("member_text",
               fill(text(request, "contacts.detail.member_link"),
                    {{"date", date(request, contact->became_member_at.value_or(contact->updated_at))}}));
    }
    mustache::data history{mustache::data::type::list};
    for (const HistoryItem& item :
         service_.history(*contact, site_.language_of(request),
                          [&](std::string_view key) { return text(request, key); })) {
      mustache::data entry;
      entry.set("date", date(request, item.at));
      entry.set("text", item.text);
      if (!item.path.empty()) entry.set("path", item.path);
      history.push_back(entry);
    }
    data.set("history", history);
    data.set("erase_url", base_url(network) + "/" + std::to_string(contact->id) + "/wissen");
    return site_.page(request, "contacts/contact", std::move(data));
  }

  http::Response erase(const http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto access_result = access(request, request.path_param("slug"));
    if (!access_result.network) return *access_result.refusal;
    const auto contact = contact_of(*access_result.network, request.path_param("id"));
    if (!contact) return site_.error_page(&request, 404);
    service_.database().write(
        [&](db::Session& session) { erase_contact(session, contact->id, "erased", unix_now()); });
    http::Response response = http::Response::redirect(base_url(*access_result.network));
    site_.set_flash(response, "contacts.flash.erased");
    return response;
  }

 private:
  const web::Site& site_;
  Service& service_;
};

constexpr api::RouteSpec kApiRoutes[] = {
    {http::Method::Get, "/api/v1/contacts"},
};

nlohmann::json optional_json(const std::optional<std::int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json contact_json(const Contact& contact) {
  return {
      {"id", contact.id},
      {"email", contact.email},
      {"name", contact.name},
      {"organisation", contact.organisation},
      {"town", contact.town},
      {"region", contact.region},
      {"discipline", contact.discipline},
      {"source", contact.source},
      {"legal_basis", contact.legal_basis},
      {"language", contact.language},
      {"created_at", contact.created_at},
      {"responded_at", optional_json(contact.responded_at)},
      {"response", contact.response ? nlohmann::json(std::string(to_string(*contact.response)))
                                    : nlohmann::json(nullptr)},
      {"unsubscribed_at", optional_json(contact.unsubscribed_at)},
      {"bounced_at", optional_json(contact.bounced_at)},
      {"last_mailed_at", optional_json(contact.last_mailed_at)},
      {"member_account_id", optional_json(contact.account_id)},
      {"became_member_at", optional_json(contact.became_member_at)},
  };
}

}  // namespace

void register_routes(http::Router& router, const web::Site& site, Service& service) {
  site.require_templates(
      {"contacts/list", "contacts/upload", "contacts/map", "contacts/report", "contacts/contact"});
  auto pages = std::make_shared<Pages>(site, service);
  router.get("/netwerken/{slug}/contacten", [pages](http::Request& request) { return pages->list(request); });
  router.post("/netwerken/{slug}/contacten/bewaartermijn",
              [pages](http::Request& request) { return pages->save_retention(request); });
  router.get("/netwerken/{slug}/contacten/importeren",
             [pages](http::Request& request) { return pages->upload_form(request); });
  router.post(std::string(kUploadPath), [pages](http::Request& request) { return pages->upload(request); });
  router.post("/netwerken/{slug}/contacten/importeren/koppelen",
              [pages](http::Request& request) { return pages->run(request); });
  router.get("/netwerken/{slug}/contacten/importen/{id}",
             [pages](http::Request& request) { return pages->report(request); });
  router.get("/netwerken/{slug}/contacten/importen/{id}/rapport.csv",
             [pages](http::Request& request) { return pages->report_download(request); });
  router.get("/netwerken/{slug}/contacten/{id}",
             [pages](http::Request& request) { return pages->contact_page(request); });
  router.post("/netwerken/{slug}/contacten/{id}/wissen",
              [pages](http::Request& request) { return pages->erase(request); });
}

std::span<const api::RouteSpec> api_routes() { return kApiRoutes; }

void register_api_routes(http::Router& router, const web::Site& site, Service& service,
                         std::function<bool(const http::Viewer&, std::int64_t network_id)> is_coordinator) {
  const auto problems = api::openapi_problems(api::openapi_document(), kApiRoutes);
  if (!problems.empty())
    throw std::runtime_error("the OpenAPI document misses a contacts route: " + problems.front());
  router.get("/api/v1/contacts", [&site, &service, is_coordinator](http::Request& request) {
    if (!request.viewer) return api::error_response(site.catalog(), request, api::ErrorCode::Unauthorized);
    const http::FormData query = http::FormData::parse(request.query);
    const std::string slug(query.value_or("network", ""));
    if (slug.empty()) {
      return api::field_error_response(site.catalog(), request,
                                       {{"network", "contacts.api.network_required"}},
                                       api::ErrorCode::BadRequest);
    }
    const auto network = service.network(slug);
    if (!network) return api::error_response(site.catalog(), request, api::ErrorCode::NotFound);
    if (!is_coordinator(*request.viewer, network->id)) {
      return api::error_response(site.catalog(), request, api::ErrorCode::Forbidden);
    }
    store::Filter filter;
    filter.network_id = network->id;
    filter.town = std::string(query.value_or("town", ""));
    filter.region = std::string(query.value_or("region", ""));
    filter.discipline = std::string(query.value_or("discipline", ""));
    filter.source = std::string(query.value_or("source", ""));
    filter.query = std::string(query.value_or("q", "")).substr(0, 200);
    const std::string responded(query.value_or("responded", ""));
    if (responded == "true") filter.responded = true;
    if (responded == "false") filter.responded = false;
    const std::string status(query.value_or("status", ""));
    if (status == "mailable" || status == "unsubscribed" || status == "bounced" || status == "member") {
      filter.status = status;
    }
    const std::int64_t page =
        std::clamp<std::int64_t>(http::parse_id(query.value_or("page", "1")).value_or(1), 1, 1000000);
    const std::int64_t per_page =
        std::clamp<std::int64_t>(http::parse_id(query.value_or("per_page", "50")).value_or(50), 1, 500);
    filter.limit = per_page;
    filter.offset = (page - 1) * per_page;
    auto [contacts, total] = service.database().read([&](db::Session& session) {
      return std::make_pair(store::list(session, filter), store::count(session, filter));
    });
    nlohmann::json items = nlohmann::json::array();
    for (const Contact& contact : contacts) items.push_back(contact_json(contact));
    http::Response response = api::json_response(
        200, {{"network", {{"id", network->id}, {"slug", network->slug}, {"name", network->name}}},
              {"contacts", std::move(items)},
              {"total", total},
              {"page", page},
              {"per_page", per_page}});
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  });
}

}  // namespace contacts
