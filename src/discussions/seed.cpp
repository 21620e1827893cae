#include "discussions/seed.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/seed.h"
#include "discussions/service.h"
#include "discussions/store.h"
#include "notifications/activity.h"
#include "util/resources.h"

namespace discussions {

namespace {

using nlohmann::json;

constexpr std::string_view kContentPath = "resources/demo/discussions.json";
constexpr std::string_view kNetworkSlug = "west-brabant-zeeland";
constexpr std::uint64_t kSeed = 20250601;
constexpr std::int64_t kDay = 86400;

// A small deterministic generator (the same demo on every machine).
class Dice {
 public:
  explicit Dice(std::uint64_t seed) : state_(seed * 2862933555777941757ULL + 3037000493ULL) {}
  std::uint64_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33;
  }
  std::int64_t between(std::int64_t low, std::int64_t high) {  // inclusive
    return low + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(high - low + 1));
  }
  std::size_t below(std::size_t count) { return static_cast<std::size_t>(next() % count); }
  bool chance(int percent) { return between(1, 100) <= percent; }

 private:
  std::uint64_t state_;
};

struct Person {
  std::int64_t id = 0;
  std::string name;
};

// "@Sanne-de-Wit": the handle discussions links to the member (service.h, render_post).
std::string mention(const Person& person) {
  std::string handle = "@";
  for (char c : person.name) handle += c == ' ' ? '-' : c;
  return handle;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

int year_of(std::int64_t unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  return parts.tm_year + 1900;
}

// The first paragraph of a post quoted as the reply form quotes (Service::quote): the author linked
// to the post, then the text as a blockquote. Members trim long quotes; so does the demo.
std::string quote_block(const Person& author, const Post& quoted, std::string_view markdown) {
  std::string paragraph(markdown.substr(0, markdown.find("\n\n")));
  if (paragraph.size() > 300) {
    const std::size_t cut = paragraph.rfind(' ', 300);
    paragraph = paragraph.substr(0, cut == std::string::npos ? 300 : cut) + " ...";
  }
  std::string out = "> **[" + author.name + "](" + post_path(quoted.topic_id, quoted.post_number, quoted.id) +
                    ")**:\n>\n";
  std::size_t start = 0;
  while (start <= paragraph.size()) {
    const std::size_t end = paragraph.find('\n', start);
    out += "> " + paragraph.substr(start, end == std::string::npos ? std::string::npos : end - start) + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out + "\n";
}

// Active members of the network with `discipline` as one of their disciplines, by account id.
std::vector<Person> members_of_discipline(db::Session& session, std::int64_t network_id, std::string_view discipline) {
  std::vector<Person> people;
  for (const db::Row& row : session.query(
           "SELECT a.id, a.name FROM profile_disciplines d JOIN accounts a ON a.id = d.account_id "
           "JOIN memberships m ON m.account_id = a.id AND m.network_id = ? AND m.status = 'active' "
           "WHERE d.code = ? AND a.status = 'active' ORDER BY a.id",
           {network_id, std::string(discipline)})) {
    people.push_back(Person{row.int64(0), row.text(1)});
  }
  return people;
}

// Active members of the group (hosts too), by account id.
std::vector<Person> group_members(db::Session& session, std::int64_t group_id) {
  std::vector<Person> people;
  for (const db::Row& row : session.query(
           "SELECT a.id, a.name FROM group_members gm JOIN accounts a ON a.id = gm.account_id "
           "WHERE gm.group_id = ? AND gm.state = 'active' AND a.status = 'active' ORDER BY a.id",
           {group_id})) {
    people.push_back(Person{row.int64(0), row.text(1)});
  }
  return people;
}

std::optional<Person> account(db::Session& session, std::string_view email) {
  const auto row = session.query_one("SELECT id, name FROM accounts WHERE email = ?", {std::string(email)});
  if (!row) return std::nullopt;
  return Person{row->int64(0), row->text(1)};
}

// Someone from `pool` who is none of `not_these` (when the pool allows).
Person pick(const std::vector<Person>& pool, Dice& dice, const std::vector<std::int64_t>& not_these) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const Person& candidate = pool[dice.below(pool.size())];
    if (std::find(not_these.begin(), not_these.end(), candidate.id) == not_these.end()) return candidate;
  }
  return pool[dice.below(pool.size())];
}

// `at`, or the next morning when it falls in the night (members answer between 07:00 and 22:00).
std::int64_t awake(std::int64_t at, Dice& dice) {
  const std::int64_t hour = at % kDay / 3600;  // UTC; the Netherlands is one or two hours ahead
  if (hour >= 6 && hour < 21) return at;
  const std::int64_t morning = (hour >= 21 ? at - at % kDay + kDay : at - at % kDay) + 6 * 3600;
  return morning + dice.between(0, 180) * 60;
}

// One reply as planned: its text still holds placeholders until the authors are known.
struct PlannedReply {
  std::string body;
  bool by_author = false;
  bool accepted = false;
  std::string quote;  // "", "op" or "1".."9"
  std::string from;   // a discipline code, or ""
};

struct PlannedTopic {
  std::string title;
  std::string body;
  Kind kind = Kind::Discussion;
  bool pinned = false;
  bool quick = false;  // a short question from the group's list (old ones get closed)
  std::vector<PlannedReply> replies;
};

std::vector<PlannedTopic> plan_group(const json& group, const json& thanks, Dice& dice) {
  std::vector<PlannedTopic> topics;
  for (const json& thread : group.at("threads")) {
    PlannedTopic topic;
    topic.title = thread.at("title").get<std::string>();
    topic.body = thread.at("body").get<std::string>();
    topic.kind = thread.value("kind", "discussion") == "question" ? Kind::Question : Kind::Discussion;
    topic.pinned = thread.value("pinned", false);
    for (const json& reply : thread.at("replies")) {
      PlannedReply planned;
      planned.body = reply.at("body").get<std::string>();
      planned.by_author = reply.value("by", "") == "op";
      planned.accepted = reply.value("accepted", false);
      if (reply.contains("quote"))
        planned.quote = reply["quote"].is_string() ? reply["quote"].get<std::string>()
                                                   : std::to_string(reply["quote"].get<int>());
      planned.from = reply.value("from", "");
      topic.replies.push_back(std::move(planned));
    }
    topics.push_back(std::move(topic));
  }
  const json& quick = group.at("quick");
  const json& titles = quick.at("titles");
  const json& answers = quick.at("answers");
  std::size_t index = 0;
  for (const json& item : quick.at("items")) {
    const std::string x = item.get<std::string>();
    PlannedTopic topic;
    topic.quick = true;
    topic.kind = Kind::Question;
    topic.title = replace_all(titles.at(index++ % titles.size()).get<std::string>(), "{x}", x);
    // A title starting with the item ("Passkeys bij ...") reads better with a capital.
    if (!topic.title.empty() && topic.title[0] >= 'a' && topic.title[0] <= 'z')
      topic.title[0] = static_cast<char>(topic.title[0] - 'a' + 'A');
    topic.body = replace_all(quick.at("body").get<std::string>(), "{x}", x);
    std::vector<std::size_t> order(answers.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (std::size_t i = 0; i + 1 < order.size(); ++i) std::swap(order[i], order[i + dice.below(order.size() - i)]);
    const std::size_t count = 1 + dice.below(3);
    for (std::size_t i = 0; i < count && i < order.size(); ++i) {
      PlannedReply reply;
      reply.body = answers.at(order[i]).get<std::string>();
      reply.accepted = i == 0 && dice.chance(40);
      topic.replies.push_back(std::move(reply));
    }
    if (dice.chance(60)) {
      PlannedReply reply;
      reply.body = thanks.at(dice.below(thanks.size())).get<std::string>();
      reply.by_author = true;
      topic.replies.push_back(std::move(reply));
    }
    topics.push_back(std::move(topic));
  }
  return topics;
}

}  // namespace

DemoCounts seed_demo(db::Database& database, std::int64_t now) {
  const auto text = util::find_resource(kContentPath);
  if (!text) throw std::runtime_error("discussions demo: " + std::string(kContentPath) + " is not embedded");
  const json content = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (content.is_discarded() || !content.contains("groups"))
    throw std::runtime_error("discussions demo: " + std::string(kContentPath) + " is not valid");

  // The demo's year ends yesterday at the same hour, whatever time of day the seed runs.
  const std::int64_t today = now - now % kDay;
  return database.write([&](db::Session& session) {
    DemoCounts counts;
    const auto coordinator = account(session, auth::kDemoCoordinatorEmail);
    const auto demo_member = account(session, auth::kDemoMemberEmail);
    // Two generators: what is said and when (the plan) does not depend on who the members are, so the
    // counts of topics and posts stay the same whether or not the groups seed ran first.
    Dice dice(kSeed);
    Dice people(kSeed + 1);
    // Every topic and reply goes to its group's activity stream as the service records it; recorded
    // after all groups, oldest first, so streams and "Nieuw in uw groepen" run in time order.
    std::vector<notifications::Activity> history;
    for (const auto& [slug, group_content] : content["groups"].items()) {
      const auto group = store::find_group_by_slugs(session, kNetworkSlug, slug);
      if (!group) throw std::runtime_error("discussions demo: no group " + slug + " in the demo network");
      std::vector<Person> pool = group_members(session, group->id);
      std::vector<Person> discipline_pool;
      for (const json& code : group_content.at("disciplines")) {
        for (Person& person : members_of_discipline(session, group->network_id, code.get<std::string>()))
          discipline_pool.push_back(std::move(person));
      }
      // Group members write; until the groups seed adds members, the group's discipline does.
      if (pool.size() < 4) pool = discipline_pool;
      if (pool.size() < 4) throw std::runtime_error("discussions demo: too few members for group " + slug);

      std::vector<PlannedTopic> topics = plan_group(group_content, content.at("thanks"), dice);
      // The welcome topic opens the year; the others are spread over it in a shuffled order.
      for (std::size_t i = 1; i + 1 < topics.size(); ++i)
        std::swap(topics[i], topics[i + dice.below(topics.size() - i)]);
      const std::int64_t first_day = today - 365 * kDay;
      const std::int64_t last_day = today - 12 * kDay;  // leaves room for the last topic's replies
      const std::int64_t step = (last_day - first_day) / static_cast<std::int64_t>(topics.size());

      for (std::size_t t = 0; t < topics.size(); ++t) {
        const PlannedTopic& planned = topics[t];
        // A working day's hour (07:00-20:59 in the Netherlands, 06-19 UTC; close enough across DST).
        const std::int64_t day = first_day + (static_cast<std::int64_t>(t) * step + dice.between(0, step / 2)) / kDay * kDay;
        std::int64_t at = day + dice.between(6, 19) * 3600 + dice.between(0, 59) * 60;
        Person author = planned.pinned && coordinator ? *coordinator : pick(pool, people, {});
        // The demo member asks one of the finance questions, so signing in shows their own topic.
        if (demo_member && slug == "financieel-advies" && t == 1) author = *demo_member;

        std::vector<Person> authors;  // of replies 1..n
        for (const PlannedReply& reply : planned.replies) {
          if (reply.by_author) {
            authors.push_back(author);
            continue;
          }
          std::vector<std::int64_t> taken{author.id};
          for (const Person& earlier : authors) taken.push_back(earlier.id);
          if (!reply.from.empty()) {
            // "Vanuit de juridische hoek": a member of this group who also has that discipline, so
            // everyone who posts may post here; without one, any member of the group answers.
            std::vector<Person> fitting;
            for (const Person& other : members_of_discipline(session, group->network_id, reply.from)) {
              if (std::any_of(pool.begin(), pool.end(), [&](const Person& p) { return p.id == other.id; }))
                fitting.push_back(other);
            }
            if (!fitting.empty()) {
              authors.push_back(pick(fitting, people, taken));
              continue;
            }
          }
          authors.push_back(pick(pool, people, taken));
        }
        const int year = year_of(at);
        auto fill = [&](std::string body) {
          body = replace_all(std::move(body), "{@op}", mention(author));
          for (std::size_t i = 0; i < authors.size() && i < 9; ++i)
            body = replace_all(std::move(body), "{@" + std::to_string(i + 1) + "}", mention(authors[i]));
          body = replace_all(std::move(body), "{jaar}", std::to_string(year));
          return replace_all(std::move(body), "{volgend_jaar}", std::to_string(year + 1));
        };

        const std::string title = fill(planned.title);
        const std::int64_t topic_id =
            store::insert_topic(session, store::NewTopicRow{group->id, author.id, title, planned.kind, at});
        auto add_post = [&](const Person& who, const std::string& markdown, std::optional<std::int64_t> quote_of,
                            std::int64_t when, std::string_view indexed_title, std::int64_t answered) {
          const RenderedPost rendered = render_post(session, group->network_id, markdown);
          const Post post = store::append_post(
              session, store::NewPostRow{topic_id, who.id, markdown, rendered.html, quote_of, when});
          store::index_post(session, post.id, indexed_title, markdown);
          counts.mentions += static_cast<std::int64_t>(store::replace_mentions(session, post.id, rendered.mentioned).size());
          ++counts.posts;
          notifications::Activity activity;
          activity.network_id = group->network_id;
          activity.group_id = group->id;
          const bool opening = post.post_number == 1;
          activity.kind = opening ? "topic.created" : "reply.created";
          activity.actor_id = who.id;
          activity.subject_type = opening ? "topic" : "reply";
          activity.subject_id = opening ? topic_id : post.id;
          activity.topic_id = topic_id;
          activity.title = title;
          activity.excerpt = excerpt_of(markdown);
          activity.path = opening ? topic_path(topic_id) : post_path(topic_id, post.post_number, post.id);
          activity.mentioned = rendered.mentioned;
          if (!opening && answered != 0) activity.replied_to.push_back(answered);
          activity.created_at = when;
          history.push_back(std::move(activity));
          return post;
        };
        const Post opening = add_post(author, fill(planned.body), std::nullopt, at, title, 0);
        std::vector<Post> posts{opening};
        std::vector<std::string> markdowns{fill(planned.body)};
        std::optional<std::int64_t> accepted;
        for (std::size_t r = 0; r < planned.replies.size(); ++r) {
          const PlannedReply& reply = planned.replies[r];
          at = awake(at + dice.between(1, 40) * 3600 + dice.between(0, 59) * 60, dice);
          std::string markdown = fill(reply.body);
          std::optional<std::int64_t> quote_of;
          std::int64_t answered = author.id;  // the quoted author, or else the topic's (as the service)
          if (!reply.quote.empty()) {
            const std::size_t source = reply.quote == "op" ? 0 : static_cast<std::size_t>(std::stoi(reply.quote));
            if (source < posts.size()) {
              const Person quoted = source == 0 ? author : authors[source - 1];
              markdown = quote_block(quoted, posts[source], markdowns[source]) + markdown;
              quote_of = posts[source].id;
              answered = quoted.id;
            }
          }
          const Post post = add_post(authors[r], markdown, quote_of, at, "", answered);
          posts.push_back(post);
          markdowns.push_back(markdown);
          if (reply.accepted && planned.kind == Kind::Question) accepted = post.id;
          // Good answers collect a few "useful" reactions from other members.
          const std::int64_t reactions = reply.accepted ? people.between(2, 6) : people.between(0, 2);
          std::vector<std::int64_t> reacted{authors[r].id};
          for (std::int64_t i = 0; i < reactions; ++i) {
            const Person fan = pick(pool, people, reacted);
            if (std::find(reacted.begin(), reacted.end(), fan.id) != reacted.end()) continue;
            reacted.push_back(fan.id);
            store::toggle_useful(session, post.id, fan.id, at + people.between(1, 48) * 3600);
            ++counts.useful;
          }
        }
        if (accepted) {
          store::set_accepted(session, topic_id, accepted, at + 3600);
          ++counts.accepted;
        }
        if (planned.pinned) {
          store::set_pinned(session, topic_id, true, at);
          ++counts.pinned;
        }
        // Short questions answered long ago are closed by a host (here: the coordinator).
        if (planned.quick && at < today - 300 * kDay && coordinator) {
          store::set_closed(session, topic_id, coordinator->id, at + 30 * kDay);
          ++counts.closed;
        }
        // The demo member has read everything older than a month: newer topics show as unread.
        if (demo_member && at < today - 30 * kDay) {
          store::advance_read_place(session, demo_member->id, topic_id,
                                    static_cast<std::int64_t>(posts.size()), at + kDay);
        }
        ++counts.topics;
      }
    }
    std::stable_sort(history.begin(), history.end(), [](const notifications::Activity& a,
                                                        const notifications::Activity& b) {
      return a.created_at < b.created_at;
    });
    std::int64_t first_activity = 0;
    for (const notifications::Activity& activity : history) {
      const std::int64_t id = notifications::record(session, activity);
      if (first_activity == 0) first_activity = id;
    }
    // Members have read (and been mailed about) what is older than a month, as with their topics.
    session.execute(
        "UPDATE notifications SET read_at = created_at + ?, mail_state = CASE WHEN mail_state = 'pending' "
        "THEN 'skipped' ELSE mail_state END WHERE activity_id >= ? AND created_at < ?",
        {kDay, first_activity, today - 30 * kDay});
    return counts;
  });
}

}  // namespace discussions
