// The period reports as tables (localized headers: the CLI's table and the CSV of the CLI and the HTTP
// API) and as JSON. One renderer for every front end, so a column is named the same everywhere.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "schoolshare/i18n.h"
#include "schoolshare/json.h"
#include "schoolshare/reports.h"

namespace schoolshare {

struct ReportTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// The display name of a school or resource id in the report's language (the id itself when unknown).
using NameOf = std::function<std::string(const std::string& id)>;
NameOf StoreNames(Store& store, Lang lang);

// Utilization: one row per resource, school, type, the total and each week (kind column), shares in %.
ReportTable UtilizationTable(const Utilization& u, Lang lang, const NameOf& name_of);
// Ledger: the school x school cells, then the balance of each school.
std::vector<ReportTable> LedgerTables(const SharingLedger& l, Lang lang, const NameOf& name_of);
ReportTable EquityTable(const Equity& e, Lang lang, const NameOf& name_of);
// Reconciliation: one row per item.
ReportTable ReconciliationTable(const Reconciliation& r, Lang lang, const TimeZone& tz, const NameOf& name_of);

// RFC 4180 CSV, CRLF; tables separated by an empty line; with a UTF-8 BOM so spreadsheet software
// reads the Chinese right.
std::string ToCsv(const std::vector<ReportTable>& tables, bool bom);

Json ToJson(const Utilization& u, const TimeZone& tz);
Json ToJson(const SharingLedger& l, const TimeZone& tz);
Json ToJson(const Equity& e, const TimeZone& tz);
Json ToJson(const Reconciliation& r, const TimeZone& tz);

std::string FormatHours(double hours);  // "12.5"

}  // namespace schoolshare
