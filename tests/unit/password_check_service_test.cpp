// Hello password checks off the network threads: throttled, bounded, equal work.
#include "app/password_check_service.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "store/sqlite_account_repository.hpp"

using namespace webvox;
using signalling::PasswordVerdict;
using Outcome = PasswordVerdict::Outcome;

namespace {

// Counts PBKDF2 runs; can hold them until released, to fill the queue.
struct GatedHasher final : base::PasswordHasher {
  GatedHasher() : PasswordHasher(1) {}
  bool verify(std::string_view password, std::string_view stored_hash) const override {
    std::unique_lock lock(mutex);
    ++verifications;
    changed.notify_all();
    changed.wait(lock, [this] { return open; });
    lock.unlock();
    return PasswordHasher::verify(password, stored_hash);
  }
  void set_open(bool value) {
    std::lock_guard lock(mutex);
    open = value;
    changed.notify_all();
  }
  void wait_for_verifications(int n) const {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(
        changed.wait_for(lock, std::chrono::seconds(10), [&] { return verifications >= n; }));
  }
  int count() const {
    std::lock_guard lock(mutex);
    return verifications;
  }
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  mutable int verifications = 0;
  bool open = true;
};

class PasswordCheckServiceTest : public ::testing::Test {
 protected:
  PasswordCheckServiceTest() { accounts.create("xA", "pa"); }

  // What the "network thread" was handed: answers run here, on the test's thread.
  struct Posted {
    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<std::function<void()>> tasks;
  };

  app::PasswordCheckService make(app::PasswordCheckService::Settings settings = {1, 8}) {
    return app::PasswordCheckService(
        accounts, throttle,
        [this](std::function<void()> task) {
          std::lock_guard lock(posted.mutex);
          posted.tasks.push_back(std::move(task));
          posted.arrived.notify_all();
        },
        {[this] { return now; },
         [] {
           return signalling::SessionClock{base::SteadyTime{} + std::chrono::seconds(5), 1000};
         }},
        settings);
  }

  // Checks and waits for the answer (run on this thread, as the io_context would).
  PasswordVerdict check(app::PasswordCheckService& service, const std::string& source,
                        const std::string& account, const std::string& password) {
    std::optional<PasswordVerdict> answer;
    const auto immediate =
        service.check({source, account, password},
                      [&](PasswordVerdict verdict, const signalling::SessionClock& clock) {
                        EXPECT_EQ(clock.unix_seconds, 1000);
                        answer = verdict;
                      });
    if (immediate) return *immediate;
    run_posted(1);
    EXPECT_TRUE(answer);
    return answer.value_or(PasswordVerdict{});
  }
  void run_posted(std::size_t count) {
    std::vector<std::function<void()>> tasks;
    {
      std::unique_lock lock(posted.mutex);
      EXPECT_TRUE(posted.arrived.wait_for(lock, std::chrono::seconds(10),
                                          [&] { return posted.tasks.size() >= count; }));
      tasks.swap(posted.tasks);
    }
    for (auto& task : tasks) task();
  }

  store::SqliteDatabase db{":memory:"};
  store::SqliteAccountRepository repository{db};
  GatedHasher hasher;
  core::AccountService accounts{repository, hasher};
  core::CredentialThrottle throttle;
  core::MonotonicTime now = core::MonotonicTime{} + std::chrono::hours(1);
  Posted posted;
};

TEST_F(PasswordCheckServiceTest, AnswersComeBackThroughThePost) {
  auto service = make();
  EXPECT_EQ(check(service, "a", "xA", "pa").outcome, Outcome::Accepted);
  EXPECT_EQ(check(service, "a", "xA", "nope").outcome, Outcome::Refused);
}

TEST_F(PasswordCheckServiceTest, AnUnknownAccountCostsAPasswordCheck) {
  auto service = make();
  const int before = hasher.count();
  EXPECT_EQ(check(service, "a", "xNobody", "pa").outcome, Outcome::Refused);
  EXPECT_EQ(hasher.count(), before + 1);
  EXPECT_EQ(check(service, "a", std::string(300, 'x'), "pa").outcome, Outcome::Refused);
  EXPECT_EQ(hasher.count(), before + 2);
}

TEST_F(PasswordCheckServiceTest, AGuessingSourceIsAnsweredAtOnceWithoutAPasswordCheck) {
  auto service = make();
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(check(service, "a", "xA", "guess").outcome, Outcome::Refused);
  const int before = hasher.count();
  const auto throttled = service.check({"a", "xA", "pa"}, [](auto, const auto&) {
    ADD_FAILURE() << "a throttled check must answer at once";
  });
  ASSERT_TRUE(throttled);
  EXPECT_EQ(throttled->outcome, Outcome::Throttled);
  EXPECT_EQ(throttled->retry_after, std::chrono::seconds(1));
  EXPECT_EQ(hasher.count(), before);
  EXPECT_EQ(check(service, "b", "xA", "pa").outcome, Outcome::Accepted);
  now += std::chrono::seconds(1);
  EXPECT_EQ(check(service, "a", "xA", "pa").outcome, Outcome::Accepted);
}

// One worker, two waiting places: the fourth concurrent check is answered Busy at once,
// and the others still get their answers.
TEST_F(PasswordCheckServiceTest, AFullQueueAnswersBusyInsteadOfQueueingWithoutBound) {
  auto service = make({1, 2});
  hasher.set_open(false);
  const int before = hasher.count();
  std::vector<PasswordVerdict> answers;
  std::mutex answers_mutex;
  const auto record = [&](PasswordVerdict verdict, const signalling::SessionClock&) {
    std::lock_guard lock(answers_mutex);
    answers.push_back(verdict);
  };
  EXPECT_FALSE(service.check({"s1", "xA", "pa"}, record));
  hasher.wait_for_verifications(before + 1);  // the worker holds the first one
  EXPECT_FALSE(service.check({"s2", "xA", "pa"}, record));
  EXPECT_FALSE(service.check({"s3", "xA", "pa"}, record));
  const auto busy = service.check({"s4", "xA", "pa"}, record);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->outcome, Outcome::Busy);
  EXPECT_EQ(busy->retry_after, std::chrono::seconds(1));
  hasher.set_open(true);
  run_posted(3);
  ASSERT_EQ(answers.size(), 3u);
  for (const auto& answer : answers) EXPECT_EQ(answer.outcome, Outcome::Accepted);
  // The busy source was not counted as in flight: it may try again at once.
  EXPECT_EQ(check(service, "s4", "xA", "pa").outcome, Outcome::Accepted);
}

TEST(WorkerPool, RefusesWhenTheQueueIsFullAndDropsQueuedJobsWhenDestroyed) {
  std::mutex mutex;
  std::condition_variable changed;
  bool release = false;
  int started = 0;
  int ran = 0;
  {
    app::WorkerPool pool(1, 1);
    const auto job = [&] {
      std::unique_lock lock(mutex);
      ++started;
      changed.notify_all();
      changed.wait(lock, [&] { return release; });
      ++ran;
    };
    ASSERT_TRUE(pool.try_post(job));
    {
      std::unique_lock lock(mutex);
      ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return started == 1; }));
    }
    EXPECT_TRUE(pool.try_post(job));   // waits
    EXPECT_FALSE(pool.try_post(job));  // no room
    std::thread releaser([&] {
      std::lock_guard lock(mutex);
      release = true;
      changed.notify_all();
    });
    releaser.join();
  }
  // The running job finished; the waiting one may or may not have started before the pool
  // stopped, never more.
  EXPECT_GE(ran, 1);
  EXPECT_LE(ran, 2);
}

}  // namespace

namespace {

// More than four checks from one address at once (residents behind one NAT) are told to
// retry, not that they guessed too often.
TEST_F(PasswordCheckServiceTest, TooManyChecksFromOneAddressAtOnceAnswerBusy) {
  auto service = make({1, 8});
  hasher.set_open(false);
  const auto ignore = [](PasswordVerdict, const signalling::SessionClock&) {};
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(service.check({"nat", "xA", "pa"}, ignore));
  const auto fifth = service.check({"nat", "xA", "pa"}, ignore);
  ASSERT_TRUE(fifth);
  EXPECT_EQ(fifth->outcome, Outcome::Busy);
  hasher.set_open(true);
  run_posted(4);
}

}  // namespace
