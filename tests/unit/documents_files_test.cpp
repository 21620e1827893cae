// Uploads as the library sees them: the type from the bytes (never the name), lying names, zip bombs
// named .docx and archives that lie about their sizes, images re-encoded, PDF text through pdftotext
// (on a PDF written here), content-addressed storage, safe file names, and the wiki's line diff.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <variant>

#include "documents/diff.h"
#include "documents/files.h"
#include "documents/service.h"
#include "support/document_files.h"

namespace {

using documents::files::Accepted;
using documents::files::Refusal;

Refusal refusal_of(std::string_view bytes, std::string_view name) {
  auto result = documents::files::inspect(bytes, name);
  EXPECT_TRUE(std::holds_alternative<Refusal>(result))
      << "accepted as " << std::get<Accepted>(result).mime_type;
  return std::holds_alternative<Refusal>(result) ? std::get<Refusal>(result) : Refusal::Empty;
}

Accepted accepted(std::string_view bytes, std::string_view name) {
  auto result = documents::files::inspect(bytes, name);
  EXPECT_TRUE(std::holds_alternative<Accepted>(result))
      << "refused: " << documents::files::to_string(std::get<Refusal>(result));
  return std::holds_alternative<Accepted>(result) ? std::get<Accepted>(result) : Accepted{};
}

std::filesystem::path temporary_directory(const std::string& name) {
  auto path =
      std::filesystem::temp_directory_path() / ("knooppunt-docs-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path;
}

TEST(DocumentFiles, APdfIsKnownByItsBytesWhateverItIsCalled) {
  const std::string pdf = documents::files::minimal_pdf({"Jaarverslag 2024"});
  EXPECT_EQ(accepted(pdf, "jaarverslag.pdf").mime_type, "application/pdf");
  const Accepted unnamed = accepted(pdf, "scan");
  EXPECT_EQ(unnamed.mime_type, "application/pdf");
  EXPECT_EQ(unnamed.extension, "pdf");
}

TEST(DocumentFiles, TextCalledPdfIsRefusedAsALyingName) {
  EXPECT_EQ(refusal_of("Dit is geen PDF, alleen tekst.\n", "factuur.pdf"), Refusal::NameMismatch);
}

TEST(DocumentFiles, HtmlAndExecutablesAreRefusedAsUnsupported) {
  EXPECT_EQ(refusal_of("<!DOCTYPE html><html><script>alert(1)</script></html>", "pagina.html"),
            Refusal::UnsupportedType);
  EXPECT_EQ(refusal_of(std::string("\x7f"
                                   "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
                                   16) +
                           std::string(64, '\0'),
                       "tool"),
            Refusal::UnsupportedType);
}

TEST(DocumentFiles, EmptyAndOversizedFilesAreRefused) {
  EXPECT_EQ(refusal_of("", "leeg.txt"), Refusal::Empty);
  EXPECT_EQ(refusal_of(std::string(documents::files::kMaxUploadBytes + 1, 'a'), "groot.txt"),
            Refusal::TooLarge);
}

TEST(DocumentFiles, ARealWordDocumentIsAccepted) {
  const Accepted docx = accepted(testing_support::make_docx("Offerte"), "offerte.docx");
  EXPECT_EQ(docx.mime_type, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(docx.extension, "docx");
}

TEST(DocumentFiles, AZipBombNamedDocxIsRefusedBeforeAnyoneOpensIt) {
  // 60 MB of zeros in about 60 kB: a ratio of 1000 to 1.
  const std::string bomb = testing_support::make_zip_bomb_docx(60 * 1024 * 1024);
  ASSERT_LT(bomb.size(), 200 * 1024U);
  EXPECT_EQ(refusal_of(bomb, "contract.docx"), Refusal::UnsafeArchive);
  EXPECT_FALSE(documents::files::archive_is_safe(bomb));
}

TEST(DocumentFiles, AnArchiveThatUnderstatesItsSizeIsRefused) {
  // It claims 100 bytes but inflates to 5 MB: the inflate cap catches it.
  const std::string liar =
      testing_support::make_zip({{"[Content_Types].xml", "<Types/>"},
                                 {"word/document.xml", std::string(5 * 1024 * 1024, 'x'), true, 100}});
  EXPECT_FALSE(documents::files::archive_is_safe(liar));
  EXPECT_EQ(refusal_of(liar, "brief.docx"), Refusal::UnsafeArchive);
}

TEST(DocumentFiles, ArchivesWithTooManyEntriesOrBrokenDirectoriesAreRefused) {
  std::vector<testing_support::ZipEntry> many;
  for (int i = 0; i < 2100; ++i) many.push_back({"f" + std::to_string(i), "x", false});
  EXPECT_FALSE(documents::files::archive_is_safe(testing_support::make_zip(many)));
  std::string truncated = testing_support::make_docx("Kapot");
  truncated.resize(truncated.size() - 30);
  EXPECT_FALSE(documents::files::archive_is_safe(truncated));
}

TEST(DocumentFiles, ImagesAreReencodedWithoutTheirMetadata) {
  const std::string png = testing_support::make_png(64, 48);
  const Accepted image = accepted(png, "logo.png");
  EXPECT_EQ(image.mime_type, "image/png");
  EXPECT_FALSE(image.bytes.empty());
  EXPECT_EQ(image.bytes.substr(1, 3), "PNG");
  EXPECT_EQ(refusal_of(png.substr(0, 40), "logo.png"), Refusal::Unreadable);
}

TEST(DocumentFiles, PdftotextFindsTheTextOfAPdfWrittenHere) {
  const auto directory = temporary_directory("pdf");
  const std::string pdf =
      documents::files::minimal_pdf({"Model verwerkersovereenkomst",
                                     "Artikel 4. Datalekken meldt de verwerker binnen 24 uur.", "Café Ëlla"});
  const auto file = directory / "model.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  const std::string text = documents::files::pdf_text(file);
  EXPECT_NE(text.find("verwerkersovereenkomst"), std::string::npos) << text;
  EXPECT_NE(text.find("Datalekken meldt de verwerker"), std::string::npos) << text;
  EXPECT_NE(text.find("Café Ëlla"), std::string::npos) << text;
  std::filesystem::remove_all(directory);
}

TEST(DocumentFiles, PdftotextGivesNothingForBrokenInputAndKeepsToItsPageCap) {
  const auto directory = temporary_directory("pdf-bad");
  std::ofstream(directory / "kapot.pdf", std::ios::binary) << "%PDF-1.4\nthis is not really a pdf";
  EXPECT_EQ(documents::files::pdf_text(directory / "kapot.pdf"), "");
  std::vector<std::string> lines;
  for (int i = 0; i < 45 * 3; ++i)
    lines.push_back("regel " + std::to_string(i) + (i / 45 == 2 ? " derdepagina" : ""));
  std::ofstream(directory / "lang.pdf", std::ios::binary) << documents::files::minimal_pdf(lines);
  documents::files::PdfTextLimits limits;
  limits.max_pages = 2;
  const std::string text = documents::files::pdf_text(directory / "lang.pdf", limits);
  EXPECT_NE(text.find("regel 89"), std::string::npos);
  EXPECT_EQ(text.find("derdepagina"), std::string::npos);
  std::filesystem::remove_all(directory);
}

TEST(DocumentFiles, TheBlobStoreKeepsIdenticalBytesOnceUnderTheirHash) {
  const auto directory = temporary_directory("blobs");
  const documents::files::BlobStore store(directory);
  const std::string sha = store.put("hallo");
  EXPECT_EQ(sha, "d3751d33f9cd5049c4af2b462735457e4d3baf130bcbb87f389e349fbaeb20b9");
  EXPECT_EQ(store.put("hallo"), sha);
  EXPECT_EQ(store.read(sha).value_or(""), "hallo");
  EXPECT_TRUE(std::filesystem::exists(directory / "d3" / sha));
  EXPECT_FALSE(store.read("../../etc/passwd").has_value());
  store.remove(sha);
  EXPECT_FALSE(store.read(sha).has_value());
  std::filesystem::remove_all(directory);
}

TEST(DocumentFiles, SafeFileNamesHoldOnlyHarmlessCharacters) {
  EXPECT_EQ(documents::files::safe_filename("Model verwerkersovereenkomst (AVG)", "pdf"),
            "model-verwerkersovereenkomst-avg.pdf");
  EXPECT_EQ(documents::files::safe_filename("\"; filename=evil.html\r\n<script>", "txt"),
            "filename-evil-html-script.txt");
  EXPECT_EQ(documents::files::safe_filename("Één café", "csv"), "een-cafe.csv");
  EXPECT_EQ(documents::files::safe_filename("???", "pdf"), "document.pdf");
}

TEST(DocumentFiles, WikiSlugsAreLowerCaseAsciiWords) {
  EXPECT_EQ(documents::page_slug("Checklist jaarafsluiting 2024"), "checklist-jaarafsluiting-2024");
  EXPECT_EQ(documents::page_slug("Tips voor aanbestedingen!"), "tips-voor-aanbestedingen");
  EXPECT_EQ(documents::page_slug("Privé & zakelijk"), "prive-zakelijk");
  EXPECT_EQ(documents::page_slug("<script>"), "script");
}

std::string render(const std::vector<documents::DiffLine>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out += line.kind == documents::DiffLine::Kind::Same      ? ' '
           : line.kind == documents::DiffLine::Kind::Removed ? '-'
                                                             : '+';
    out += line.text + "\n";
  }
  return out;
}

TEST(DocumentDiff, ShowsRemovedAndAddedLinesBetweenKeptOnes) {
  EXPECT_EQ(render(documents::line_diff("a\nb\nc\nd\n", "a\nc\nd\ne\n")), " a\n-b\n c\n d\n+e\n");
  EXPECT_EQ(render(documents::line_diff("kop\noud\nslot", "kop\nnieuw\nslot")),
            " kop\n-oud\n+nieuw\n slot\n");
  EXPECT_EQ(render(documents::line_diff("", "een\r\ntwee\r\n")), "+een\n+twee\n");
  EXPECT_EQ(render(documents::line_diff("gelijk\n", "gelijk\n")), " gelijk\n");
}

TEST(DocumentDiff, VeryLongPagesFallBackToRemovedThenAdded) {
  std::string before;
  std::string after;
  for (std::size_t i = 0; i < documents::kMaxDiffLines + 10; ++i) {
    before += "a" + std::to_string(i) + "\n";
    after += "b" + std::to_string(i) + "\n";
  }
  const auto lines = documents::line_diff(before, after);
  ASSERT_EQ(lines.size(), 2 * (documents::kMaxDiffLines + 10));
  EXPECT_EQ(lines.front().kind, documents::DiffLine::Kind::Removed);
  EXPECT_EQ(lines.back().kind, documents::DiffLine::Kind::Added);
}

}  // namespace
