// All-or-nothing CSV import of schools, resources and bookings (`schoolshare import`), and the text
// form of weekly opening hours used by the import and by the CLI.
//
// Contract, for every Import* function:
//  - The text is read with ReadCsv (UTF-8, BOM optional, RFC 4180 quoting, CRLF or LF).
//  - The first record is the header: English column names, in any order, case-insensitive, surrounding
//    spaces ignored. An unknown column, a repeated column and a missing required column are errors.
//  - Every data row is validated and EVERY bad row is reported (line, column, reason) — not only the
//    first. Blank lines are skipped; lines are physical lines of the file (1 is the header).
//  - If there is any error nothing is written: the Result is ok and report.ok() is false. Otherwise all
//    rows are written inside one store.Transaction(); if a write fails there, the transaction rolls back
//    and the failure is reported (a row-level refusal as an ImportError with imported = 0; an I/O,
//    corruption or internal failure as the non-ok Result).
//  - Reasons are person-readable sentences in `lang` (i18n keys "import.*").
//  - Cells are trimmed of surrounding ASCII spaces; an empty cell of an optional column takes the
//    default written below.
//
// schools.csv — required: id, district_id, name
//   name_en (empty) · kind core|member|partner (member) · weak true|false|1|0|yes|no|是|否 (false) ·
//   students (0) · lat, lon (decimal degrees, 0) · periods "1=08:00-08:40;2=08:50-09:30" (none).
//   district_id must exist in the store. An id already stored is updated (the row replaces it).
//
// resources.csv — required: id, school_id, name, type
//   name_en · type field|hall|lab|room|equipment · capacity (0: not limited) · quantity (units; at least
//   1 for equipment) · features "400m-track;stage" · opening_hours (see ParseOpeningHours; empty: no
//   restriction) · buffer_minutes (0) · parent_id (a divisible venue's whole, same school) ·
//   shared (true) · approval none|owner|owner_then_district (owner) · min_notice_minutes (0) ·
//   max_advance_days (0: unlimited) · max_duration_minutes (0) · weekly_cap_minutes (0) ·
//   hourly_fee_cents (0, in fen).
//   school_id must exist in the store or earlier in the file; parent_id likewise (in the store or
//   earlier in the file). An id already stored is updated.
//
// bookings.csv — required: resource_id, school_id, start, end
//   id (empty: a new UUID; an id already stored is skipped, as BookingService::Create is idempotent) ·
//   organizer · title · activity_type (other) · attendees (0) · quantity (0; equipment units) ·
//   start, end: local "YYYY-MM-DD HH:MM" in the time zone of the resource's district, or RFC 3339.
//   Each row is created in file order through BookingService::Create with allow_backfill (honoured for
//   district admins only) inside the one transaction, so rows are judged against each other too: of two
//   overlapping rows the second is refused. A refusal is one error per violation, its reason
//   DescribeViolation(lang, v). Any error rolls the whole file back.
//
// staff.csv — required: id, school_id, name
//   name_en · role (teacher|pe_teacher|lab_technician|facility_manager|other, free word) · active (true).
//   school_id must exist in the store. An id already stored is replaced by the row.
//
// classes.csv — required: id, school_id, name
//   name_en · grade (0-12; 0: none) · students (0) · lessons: the timetabled lessons in the opening-hours
//   form below ("Mon-Fri 08:00-08:40,08:50-09:30; Wed 10:00-10:40") · active (true).
//   school_id must exist in the store. An id already stored is replaced by the row.
//
// Full description with example files: docs/csv-import.md.
#pragma once

#include <string>
#include <vector>

#include "schoolshare/clock.h"
#include "schoolshare/i18n.h"
#include "schoolshare/model.h"
#include "schoolshare/status.h"
#include "schoolshare/store.h"

namespace schoolshare {

struct ImportError {
  int line = 0;        // physical line of the file (1 = header); 0 when the whole file is concerned
  std::string column;  // header name of the offending column; empty when not one column
  std::string reason;  // in the chosen Lang
};

struct ImportReport {
  int rows = 0;                     // data rows read (blank lines not counted)
  int imported = 0;                 // rows written; 0 whenever errors is not empty
  std::vector<ImportError> errors;  // sorted by line
  bool ok() const { return errors.empty(); }
};

Result<ImportReport> ImportSchools(Store& store, const std::string& csv_text, const Actor& actor, Lang lang);
Result<ImportReport> ImportResources(Store& store, const std::string& csv_text, const Actor& actor, Lang lang);
Result<ImportReport> ImportBookings(Store& store, const Clock& clock, const std::string& csv_text, const Actor& actor,
                                    Lang lang);
Result<ImportReport> ImportStaff(Store& store, const std::string& csv_text, const Actor& actor, Lang lang);
Result<ImportReport> ImportClasses(Store& store, const std::string& csv_text, const Actor& actor, Lang lang);

// Weekly opening hours as text: clauses separated by ';', each a day part and one or more time ranges
// separated by ',':
//   "Mon-Fri 08:00-18:00; Sat 09:00-12:00"      "Mon,Wed,Fri 07:00-08:00,16:30-21:00"
//   "Sat-Sun 18:00-26:00" (past midnight) — the same as "Sat-Sun 18:00-02:00" (end before start: the
//   next day). Days: Mon Tue Wed Thu Fri Sat Sun (case-insensitive; also Monday.., 周一..周日), ranges
//   may wrap (Fri-Mon), "Daily" is Mon-Sun. A window lasts at most 24 hours. Windows of one day must
//   not overlap. Empty text is no restriction (an empty vector).
// The windows come back sorted by weekday, then start. Errors are InvalidArgument with a message in
// `lang` naming the clause that is wrong.
Result<std::vector<WeeklyWindow>> ParseOpeningHours(const std::string& text, Lang lang = Lang::kEn);
// The inverse: consecutive days with the same windows are grouped ("Mon-Fri 08:00-18:00; Sat
// 09:00-12:00"); ends past midnight are written as "26:00". ParseOpeningHours(FormatOpeningHours(w))
// gives back w for any valid sorted w.
std::string FormatOpeningHours(const std::vector<WeeklyWindow>& windows);

// A school's class periods as text: "1=08:00-08:40;2=08:50-09:30" (sorted by index on output).
Result<std::vector<ClassPeriod>> ParseClassPeriods(const std::string& text, Lang lang = Lang::kEn);
std::string FormatClassPeriods(const std::vector<ClassPeriod>& periods);

}  // namespace schoolshare
