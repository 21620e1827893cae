// Password rules, the argon2id hasher (interactive limits in production, the bound on concurrent
// hashes), tokens, and the shared demo hash.
#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <thread>
#include <vector>

#include "auth/passwords.h"
#include "auth/tokens.h"

namespace {

using auth::check_password;
using auth::PasswordHasher;
using auth::PasswordProblem;

TEST(AuthPasswordRules, AGoodPassphrasePasses) {
  EXPECT_EQ(check_password("paard batterij nietje correct", "jan@example.nl"), PasswordProblem::None);
  EXPECT_EQ(check_password("Zeeuwse-bolus-42", "jan@example.nl"), PasswordProblem::None);
}

TEST(AuthPasswordRules, NeedsAtLeastTenCharactersCountedAsCharactersNotBytes) {
  EXPECT_EQ(check_password("", ""), PasswordProblem::TooShort);
  EXPECT_EQ(check_password("Kort9!xyz", ""), PasswordProblem::TooShort);  // 9
  EXPECT_EQ(check_password("Kort9!xyzw", ""), PasswordProblem::None);     // 10
  // Nine characters in 18 bytes are still nine characters.
  EXPECT_EQ(check_password("ééééééééé", ""), PasswordProblem::TooShort);
  EXPECT_EQ(check_password("éééééééééx", ""), PasswordProblem::None);
}

TEST(AuthPasswordRules, RefusesMoreThan1024BytesBeforeAnyHashing) {
  EXPECT_EQ(check_password(std::string(1024, 'x').replace(0, 5, "Ab1!z"), ""), PasswordProblem::None);
  EXPECT_EQ(check_password(std::string(1025, 'y'), ""), PasswordProblem::TooLong);
  EXPECT_EQ(check_password(std::string(5 * 1024 * 1024, 'z'), ""), PasswordProblem::TooLong);
}

TEST(AuthPasswordRules, RefusesCommonPasswordsWhateverTheirCase) {
  for (const char* common : {"password123", "Password123", "wachtwoord1", "WELKOM123!", "qwerty123456",
                             "1234567890", "iloveyou123", "ajax123456"}) {
    EXPECT_EQ(check_password(common, "jan@example.nl"), PasswordProblem::TooCommon) << common;
    EXPECT_TRUE(auth::is_common_password(common)) << common;
  }
  EXPECT_FALSE(auth::is_common_password("paard batterij nietje correct"));
}

TEST(AuthPasswordRules, RefusesRunsOfOneCharacterAndKeyboardOrDigitSequences) {
  EXPECT_EQ(check_password("aaaaaaaaaaaa", ""), PasswordProblem::TooCommon);
  EXPECT_EQ(check_password("qwertyuiop", ""), PasswordProblem::TooCommon);
  EXPECT_EQ(check_password("poiuytrewq", ""), PasswordProblem::TooCommon);
  EXPECT_EQ(check_password("abcdefghijklm", ""), PasswordProblem::TooCommon);
  EXPECT_EQ(check_password("9876543210", ""), PasswordProblem::TooCommon);
}

TEST(AuthPasswordRules, RefusesTheEmailAddressOrItsNameAsPassword) {
  EXPECT_EQ(check_password("jan.de.vries@example.nl", "jan.de.vries@example.nl"),
            PasswordProblem::SameAsEmail);
  EXPECT_EQ(check_password("Jan.De.Vries@Example.nl", "jan.de.vries@example.nl"),
            PasswordProblem::SameAsEmail);
  EXPECT_EQ(check_password("jan.de.vries", "jan.de.vries@example.nl"), PasswordProblem::SameAsEmail);
  EXPECT_EQ(check_password("jan.de.vries", "piet@example.nl"), PasswordProblem::None);
}

TEST(AuthPasswordRules, RefusesBytesThatAreNotText) {
  EXPECT_EQ(check_password(std::string("abcdefghij\xff\xfe", 12), ""), PasswordProblem::NotText);
}

TEST(AuthPasswordRules, EveryProblemHasAMessageKey) {
  for (auto problem : {PasswordProblem::TooShort, PasswordProblem::TooLong, PasswordProblem::TooCommon,
                       PasswordProblem::SameAsEmail, PasswordProblem::NotText}) {
    EXPECT_TRUE(auth::message_key(problem).starts_with("auth.password."));
  }
}

TEST(AuthPasswordHasher, ProductionUsesArgon2idWithInteractiveLimits) {
  EXPECT_EQ(PasswordHasher::interactive().ops, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(PasswordHasher::interactive().memory, crypto_pwhash_MEMLIMIT_INTERACTIVE);
  PasswordHasher hasher;  // the defaults
  const std::string stored = hasher.hash("paard batterij nietje correct");
  EXPECT_TRUE(stored.starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << stored;
  EXPECT_TRUE(hasher.verify(stored, "paard batterij nietje correct"));
  EXPECT_FALSE(hasher.verify(stored, "paard batterij nietje correcT"));
  EXPECT_FALSE(hasher.needs_rehash(stored));
  EXPECT_GE(hasher.max_concurrent(), 1u);
}

TEST(AuthPasswordHasher, SamePasswordHashesDifferentlyEachTime) {
  PasswordHasher hasher(PasswordHasher::minimal(), 2);
  EXPECT_NE(hasher.hash("twee keer hetzelfde"), hasher.hash("twee keer hetzelfde"));
}

TEST(AuthPasswordHasher, EmptyOrMalformedStoredHashNeverMatches) {
  PasswordHasher hasher(PasswordHasher::minimal(), 2);
  EXPECT_FALSE(hasher.verify("", ""));
  EXPECT_FALSE(hasher.verify("", "iets"));
  EXPECT_FALSE(hasher.verify("$argon2id$v=19$m=8,t=1,p=1$bogus", "iets"));
  EXPECT_FALSE(hasher.verify(std::string(500, '$'), "iets"));
}

TEST(AuthPasswordHasher, HashWithOtherLimitsNeedsRehash) {
  PasswordHasher cheap(PasswordHasher::minimal(), 1);
  PasswordHasher production;
  const std::string old = cheap.hash("een wachtwoord van vroeger");
  EXPECT_TRUE(production.verify(old, "een wachtwoord van vroeger"));
  EXPECT_TRUE(production.needs_rehash(old));
}

TEST(AuthPasswordHasher, NeverRunsMoreHashesAtOnceThanItsBound) {
  PasswordHasher hasher(PasswordHasher::minimal(), 2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&hasher, i] {
      for (int round = 0; round < 5; ++round) {
        const std::string stored = hasher.hash("wachtwoord nummer " + std::to_string(i));
        EXPECT_TRUE(hasher.verify(stored, "wachtwoord nummer " + std::to_string(i)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(hasher.peak_concurrency(), 2u);
  EXPECT_GE(hasher.peak_concurrency(), 1u);
}

TEST(AuthPasswordHasher, DefaultBoundLeavesACoreForEverythingElse) {
  const unsigned cores = std::thread::hardware_concurrency();
  EXPECT_EQ(PasswordHasher::default_concurrency(), cores > 1 ? cores - 1 : 1u);
}

TEST(AuthPasswordHasher, TheSharedDemoHashIsThePasswordTheReadmeStates) {
  PasswordHasher hasher(PasswordHasher::minimal(), 1);
  EXPECT_TRUE(hasher.verify(auth::demo_password_hash(), auth::kDemoPassword));
  EXPECT_FALSE(hasher.verify(auth::demo_password_hash(), "knooppunt-demo2"));
  EXPECT_TRUE(auth::demo_password_hash().starts_with("$argon2id$v=19$m=65536,t=2,p=1$"));
}

TEST(AuthTokens, AreRandomUrlSafeAndStoredOnlyAsAHash) {
  const std::string a = auth::new_token();
  const std::string b = auth::new_token();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_TRUE(auth::is_well_formed_token(a));
  EXPECT_EQ(auth::hash_token(a), auth::hash_token(a));
  EXPECT_NE(auth::hash_token(a), auth::hash_token(b));
  EXPECT_EQ(auth::hash_token(a).size(), 64u);
  EXPECT_EQ(auth::hash_token(a).find(a), std::string::npos);
}

TEST(AuthTokens, JunkNeverPassesAsAToken) {
  EXPECT_FALSE(auth::is_well_formed_token(""));
  EXPECT_FALSE(auth::is_well_formed_token("abc"));
  EXPECT_FALSE(auth::is_well_formed_token(std::string(43, '\'')));
  EXPECT_FALSE(auth::is_well_formed_token(std::string(42, 'a') + "="));
  EXPECT_FALSE(auth::is_well_formed_token(std::string(44, 'a')));
}

}  // namespace
