#include "model/reconciliation_view.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "schoolshare/json.h"

namespace schoolshare::admin {
namespace {

std::string MonthText(int year, int month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

// The server's error body: {"error": code, "message": text}.
std::pair<std::string, std::string> ErrorOf(const TransportReply& reply) {
  Json body = Json::parse(reply.body, nullptr, false);
  if (!body.is_object()) return {"", reply.error.empty() ? reply.body : reply.error};
  return {body.value("error", ""), body.value("message", "")};
}

}  // namespace

std::string MonthOf(Instant t, const TimeZone& tz) {
  const CivilDate d = tz.LocalDate(t);
  return MonthText(d.year, d.month);
}

std::string StepMonth(const std::string& month, int delta) {
  auto first = CivilDate::Parse(month + "-01");
  if (!first.ok()) return month;
  const int index = first->year * 12 + (first->month - 1) + delta;
  return MonthText(index / 12, index % 12 + 1);
}

Result<ReconciliationData> BuildReconciliationView(Store& replica, const std::string& school_id,
                                                   const std::string& month, Instant now, Lang lang,
                                                   const std::set<std::string>& awaiting) {
  ReconciliationData d;
  d.school_id = school_id;
  d.month = month;
  SS_ASSIGN_OR_RETURN(d.rec, BuildReconciliation(replica, school_id, month, now));
  d.month_over = now >= d.rec.to;
  d.open = d.rec.open_items();
  std::map<std::string, const ReconciliationLine*> lines;
  for (const auto& l : d.rec.lines) lines[l.booking.id] = &l;
  for (const auto& item : d.rec.items) {
    ReconciliationRow row;
    row.item = item;
    row.reason_text = Tr(lang, "report.reason." + item.reason);
    row.resource_id = item.resource_id;
    row.start = item.created_at;
    row.awaiting_server = awaiting.count(item.id) > 0;
    Json detail = Json::parse(item.detail.empty() ? "{}" : item.detail, nullptr, false);
    if (detail.is_object()) {
      row.booking_code = detail.value("code", "");
      // Derived items carry the booking's times (also a cancelled booking's, which has no line).
      const TimeZone utc = TimeZone::Utc();
      if (auto t = utc.Parse(detail.value("start", "")); t.ok()) row.start = *t;
      if (auto t = utc.Parse(detail.value("end", "")); t.ok()) row.end = *t;
    }
    if (auto it = lines.find(item.booking_id); it != lines.end()) {
      row.start = it->second->booking.start;
      row.end = it->second->booking.end;
      row.booking_code = it->second->booking.code;
    }
    d.rows.push_back(std::move(row));
  }
  std::stable_sort(d.rows.begin(), d.rows.end(), [](const ReconciliationRow& a, const ReconciliationRow& b) {
    if (a.item.resolved != b.item.resolved) return !a.item.resolved;
    return a.start < b.start;
  });
  return d;
}

ActionResult ResolveItem(SyncAgent& agent, const std::string& item_id, const std::string& note, Lang lang) {
  if (note.empty()) return {false, Tr(lang, "admin.recon.note_missing")};
  auto queued = agent.ResolveReconciliation(item_id, note);
  if (!queued.ok())
    return {false, Tr(lang, "admin.recon.resolve_refused", {{"why", DescribeStatus(lang, queued.status())}})};
  return {true, Tr(lang, "admin.recon.resolved", {{"item", item_id}})};
}

SignOffResult SignOff(SyncAgent& agent, SyncTransport* rest, const std::string& school_id, const std::string& month,
                      Lang lang) {
  SignOffResult out;
  if (rest == nullptr) {
    out.kind = SignOffResult::Kind::kOffline;
    out.message = Tr(lang, "admin.recon.offline");
    return out;
  }
  // Resolutions queued here must reach the server before it counts the open items. A failed push
  // leaves them queued; the server then names them as open.
  if (agent.status().pending > 0) (void)agent.SyncOnce();
  const TransportReply reply = rest->Post("/v1/reports/periods/" + school_id + "/" + month + "/sign-off", "{}");
  if (reply.status == 0) {
    out.kind = SignOffResult::Kind::kOffline;
    out.message = Tr(lang, "admin.recon.offline");
    return out;
  }
  if (reply.status == 200) {
    Json body = Json::parse(reply.body, nullptr, false);
    auto period = ReportPeriodFromJson(body, TimeZone::Utc());
    if (!period.ok()) {
      out.message = Tr(lang, "admin.recon.sign_off_refused", {{"why", DescribeStatus(lang, period.status())}});
      return out;
    }
    out.kind = SignOffResult::Kind::kSignedOff;
    out.period = *period;
    out.message = Tr(lang, "admin.recon.signed_off", {{"month", month}});
    agent.SyncNow();  // the locked month arrives with the next pull
    return out;
  }
  const auto [code, message] = ErrorOf(reply);
  if (code == "open_items") {
    out.kind = SignOffResult::Kind::kOpenItems;
    out.message = Tr(lang, "admin.recon.open_items_refused", {{"why", message}});
    return out;
  }
  out.message = Tr(lang, "admin.recon.sign_off_refused", {{"why", message.empty() ? code : message}});
  return out;
}

}  // namespace schoolshare::admin
