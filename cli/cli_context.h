// What every `schoolshare` command shares: the language, the output format, opening the database,
// turning a Status into the documented exit code and a localized message on stderr.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "schoolshare/booking_service.h"
#include "schoolshare/clock.h"
#include "schoolshare/i18n.h"
#include "schoolshare/json.h"
#include "schoolshare/reports.h"
#include "schoolshare/search.h"
#include "schoolshare/store.h"

namespace schoolshare::cli {

// Exit codes of DESIGN.md section 6. Persistent: scripts rely on them.
enum ExitCode {
  kExitOk = 0,
  kExitFailure = 1,
  kExitUsage = 2,
  kExitConflict = 3,
  kExitNotFound = 4,
  kExitPermission = 5
};

int ExitCodeFor(const Status& s);

struct Context {
  Lang lang = Lang::kZh;
  SystemClock clock;
  int exit_code = kExitOk;
  std::ostream& out = std::cout;
  std::ostream& err = std::cerr;

  std::string T(std::string_view key, const std::map<std::string, std::string>& params = {}) const {
    return Tr(lang, key, params);
  }
  // Prints "错误：<message>" / "error: <message>" and records the exit code.
  int Fail(const Status& s);
  int Fail(int code, const std::string& message);
  // Opens an existing database (create=false) or creates one.
  Result<std::unique_ptr<Store>> Open(const std::string& path, bool create = false);
};

// The actor of the command line: the operator of the machine, with district-admin rights.
Actor CliActor();

// The district's time zone for a school (its district's zone).
Result<TimeZone> ZoneOfSchool(Store& store, const std::string& school_id);
// The zone to show times in when no school says which: the first district's, UTC when there is none.
TimeZone DefaultZone(Store& store);
// A school's display name in the language (name_en falls back to name).
std::string SchoolName(Store& store, const std::string& school_id, Lang lang);
std::string ResourceName(Store& store, const std::string& resource_id, Lang lang);

// Finds a booking by its id or its short code (as typed by a person).
Result<Booking> FindBooking(Store& store, const std::string& id_or_code);

// Prints rows as an aligned table (CJK characters count as two columns).
void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

// The registration function of each command file.
void AddInitCommand(CLI::App& app, Context& ctx);
void AddCatalogueCommands(CLI::App& app, Context& ctx);
void AddTokenCommand(CLI::App& app, Context& ctx);
void AddBookingCommands(CLI::App& app, Context& ctx);
void AddImportCommand(CLI::App& app, Context& ctx);
void AddBackupCommand(CLI::App& app, Context& ctx);
void AddMigrateStoreCommand(CLI::App& app, Context& ctx);
void AddGenCommand(CLI::App& app, Context& ctx);
void AddReportCommand(CLI::App& app, Context& ctx);
void AddTourCommand(CLI::App& app, Context& ctx);
void AddCheckCommand(CLI::App& app, Context& ctx);
void AddSyncCommands(CLI::App& app, Context& ctx);
void AddFindCommand(CLI::App& app, Context& ctx);
// `find common`, registered under `find` (common_command.cpp).
void AddFindCommonCommand(CLI::App& find, Context& ctx);
void AddExportCommand(CLI::App& app, Context& ctx);

// Shared by report and tour: prints the sharing ledger as a table, CSV or JSON.
void PrintLedger(Context& ctx, Store& store, const SharingLedger& ledger, const std::string& format);

// The options `find` and `find common` share: the database, the window and what the venue must be.
struct SearchArgs {
  std::string db, from, to, types, format = "table";
  int duration = 0, min_capacity = 0, limit = 10, per_resource = 3;
  std::vector<std::string> features;
  bool city = false;
};
void AddSearchOptions(CLI::App& command, Context& ctx, SearchArgs& args);

// Shared by find and find common: ranked slots as a table, or JSON {"items": [...]}.
void PrintSlots(Context& ctx, const std::vector<RankedSlot>& slots, const TimeZone& tz, const std::string& format);

// Shared by booking and tour: prints an outcome (accepted or refused with violations and alternatives).
void PrintOutcome(Context& ctx, Store& store, const BookingOutcome& outcome, const TimeZone& tz);

}  // namespace schoolshare::cli
