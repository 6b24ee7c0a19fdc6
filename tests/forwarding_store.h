// A Store that forwards every call to another one: derive from it and override the calls a test wants
// to fail or observe (fault injection without a mock framework).
#pragma once

#include <string>

#include "schoolshare/store.h"

namespace schoolshare::testing {

class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(Store& inner) : in_(inner) {}

  Status Transaction(const std::function<Status()>& fn) override { return in_.Transaction(fn); }
  Status ReadTransaction(const std::function<Status()>& fn) override { return in_.ReadTransaction(fn); }
  int SchemaVersion() override { return in_.SchemaVersion(); }
  Status Backup(const std::string& p) override { return in_.Backup(p); }
  Status PutDistrict(const District& d, const Actor& by) override { return in_.PutDistrict(d, by); }
  Result<District> GetDistrict(const std::string& id) override { return in_.GetDistrict(id); }
  Result<std::vector<District>> ListDistricts() override { return in_.ListDistricts(); }
  Result<District> DistrictOfSchool(const std::string& id) override { return in_.DistrictOfSchool(id); }
  Status PutSchool(const School& s, const Actor& by) override { return in_.PutSchool(s, by); }
  Result<School> GetSchool(const std::string& id) override { return in_.GetSchool(id); }
  Result<std::vector<School>> ListSchools(const std::string& d) override { return in_.ListSchools(d); }
  Status PutResource(const Resource& r, const Actor& by) override { return in_.PutResource(r, by); }
  Result<Resource> GetResource(const std::string& id) override { return in_.GetResource(id); }
  Result<std::vector<Resource>> ListResources(const ResourceFilter& f) override { return in_.ListResources(f); }
  Result<std::vector<ResourceKey>> ListResourceKeys(const ResourceFilter& f) override {
    return in_.ListResourceKeys(f);
  }
  Result<std::vector<Resource>> RelatedResources(const std::string& id) override { return in_.RelatedResources(id); }
  Status PutStaff(const StaffMember& s, const Actor& by) override { return in_.PutStaff(s, by); }
  Result<StaffMember> GetStaff(const std::string& id) override { return in_.GetStaff(id); }
  Result<std::vector<StaffMember>> ListStaff(const std::string& school) override { return in_.ListStaff(school); }
  Status PutClass(const SchoolClass& c, const Actor& by) override { return in_.PutClass(c, by); }
  Result<SchoolClass> GetClass(const std::string& id) override { return in_.GetClass(id); }
  Result<std::vector<SchoolClass>> ListClasses(const std::string& school) override { return in_.ListClasses(school); }
  Status PutBlackout(const Blackout& b, const Actor& by) override { return in_.PutBlackout(b, by); }
  Status DeleteBlackout(const std::string& id, const Actor& by) override { return in_.DeleteBlackout(id, by); }
  Result<Blackout> GetBlackout(const std::string& id) override { return in_.GetBlackout(id); }
  Result<std::vector<Blackout>> ListBlackouts(const std::string& id, Instant from, Instant to) override {
    return in_.ListBlackouts(id, from, to);
  }
  Status PutCalendarDay(const CalendarDay& d, const std::string& district, const Actor& by) override {
    return in_.PutCalendarDay(d, district, by);
  }
  Result<std::vector<CalendarDay>> ListCalendarDays(const std::string& district, const CivilDate& from,
                                                    const CivilDate& to) override {
    return in_.ListCalendarDays(district, from, to);
  }
  Status PutAgreement(const SharingAgreement& a, const Actor& by) override { return in_.PutAgreement(a, by); }
  Result<std::vector<SharingAgreement>> ListAgreements(const std::string& owner, const std::string& borrower) override {
    return in_.ListAgreements(owner, borrower);
  }
  Status InsertBooking(const Booking& b, const Actor& by, const std::string& action) override {
    return in_.InsertBooking(b, by, action);
  }
  Status UpdateBooking(const Booking& b, const Actor& by, const std::string& action) override {
    return in_.UpdateBooking(b, by, action);
  }
  Result<Booking> GetBooking(const std::string& id) override { return in_.GetBooking(id); }
  Result<Booking> FindBookingByCode(const std::string& code) override { return in_.FindBookingByCode(code); }
  Result<std::vector<Booking>> ListBookings(const BookingFilter& f) override { return in_.ListBookings(f); }
  Result<std::vector<Booking>> ListHeldBookings(const std::vector<std::string>& ids, Instant from,
                                                Instant to) override {
    return in_.ListHeldBookings(ids, from, to);
  }
  Result<int> HeldMinutes(const std::string& school, const std::vector<std::string>& ids, Instant from,
                          Instant to) override {
    return in_.HeldMinutes(school, ids, from, to);
  }
  bool BookingCodeExists(const std::string& code) override { return in_.BookingCodeExists(code); }
  Status PutSeries(const BookingSeries& s, const Actor& by) override { return in_.PutSeries(s, by); }
  Result<BookingSeries> GetSeries(const std::string& id) override { return in_.GetSeries(id); }
  Status InsertFact(const UsageFact& f, const Actor& by) override { return in_.InsertFact(f, by); }
  Result<UsageFact> GetFact(const std::string& id) override { return in_.GetFact(id); }
  Result<std::vector<UsageFact>> ListFacts(const FactFilter& f) override { return in_.ListFacts(f); }
  Result<ReportPeriod> GetReportPeriod(const std::string& school, const std::string& month) override {
    return in_.GetReportPeriod(school, month);
  }
  Status PutReportPeriod(const ReportPeriod& p, const Actor& by) override { return in_.PutReportPeriod(p, by); }
  Status InsertToken(const TokenRecord& t, const Actor& by) override { return in_.InsertToken(t, by); }
  Result<TokenRecord> FindTokenByHash(const std::string& h) override { return in_.FindTokenByHash(h); }
  Result<std::vector<TokenRecord>> ListTokens() override { return in_.ListTokens(); }
  Status RevokeToken(const std::string& id, const Actor& by) override { return in_.RevokeToken(id, by); }
  Result<std::vector<AuditEntry>> ListAudit(const std::string& e, const std::string& id) override {
    return in_.ListAudit(e, id);
  }
  Result<std::vector<Change>> ListChanges(const std::string& district, std::int64_t after, int limit,
                                          const std::string& scope) override {
    return in_.ListChanges(district, after, limit, scope);
  }
  Result<std::int64_t> LatestVersion() override { return in_.LatestVersion(); }
  Result<std::int64_t> DistrictVersion(const std::string& district) override { return in_.DistrictVersion(district); }
  Result<std::int64_t> CompactedUpTo(const std::string& district) override { return in_.CompactedUpTo(district); }
  Result<std::int64_t> CompactChanges(Instant before) override { return in_.CompactChanges(before); }
  Status PutReconciliationItem(const ReconciliationItem& r, const Actor& by) override {
    return in_.PutReconciliationItem(r, by);
  }
  Result<std::vector<ReconciliationItem>> ListReconciliationItems(const std::string& school, bool open) override {
    return in_.ListReconciliationItems(school, open);
  }
  Result<ReconciliationItem> GetReconciliationItem(const std::string& id) override {
    return in_.GetReconciliationItem(id);
  }
  Result<std::string> ServerEpoch() override { return in_.ServerEpoch(); }
  Status PutSyncClient(const SyncClient& c) override { return in_.PutSyncClient(c); }
  Result<SyncClient> GetSyncClient(const std::string& id) override { return in_.GetSyncClient(id); }
  Result<std::vector<SyncClient>> ListSyncClients() override { return in_.ListSyncClients(); }
  Status PutMutationRecord(const MutationRecord& m) override { return in_.PutMutationRecord(m); }
  Result<MutationRecord> GetMutationRecord(const std::string& client, std::int64_t seq) override {
    return in_.GetMutationRecord(client, seq);
  }
  Result<std::vector<MutationRecord>> ListMutationRecords(const std::string& client, std::int64_t after,
                                                          int limit) override {
    return in_.ListMutationRecords(client, after, limit);
  }
  Status PutQuarantine(const MutationRecord& m, const std::string& payload, const std::string& error) override {
    return in_.PutQuarantine(m, payload, error);
  }
  Status ApplyReplicated(const Change& c) override { return in_.ApplyReplicated(c); }
  Status ClearReplica() override { return in_.ClearReplica(); }
  Status PutOutboxEntry(const OutboxEntry& e) override { return in_.PutOutboxEntry(e); }
  Status DeleteOutboxEntry(std::int64_t seq) override { return in_.DeleteOutboxEntry(seq); }
  Result<std::vector<OutboxEntry>> ListOutbox(std::int64_t after, std::optional<OutboxState> state,
                                              int limit) override {
    return in_.ListOutbox(after, state, limit);
  }
  Result<std::int64_t> CountOutbox(OutboxState state) override { return in_.CountOutbox(state); }
  Result<std::int64_t> PurgeOutbox(Instant before) override { return in_.PurgeOutbox(before); }
  Result<std::string> GetClientState(const std::string& key) override { return in_.GetClientState(key); }
  Status PutClientState(const std::string& key, const std::string& value) override {
    return in_.PutClientState(key, value);
  }
  Status PutAttentionItem(const AttentionItem& a) override { return in_.PutAttentionItem(a); }
  Result<std::vector<AttentionItem>> ListAttentionItems(bool dismissed) override {
    return in_.ListAttentionItems(dismissed);
  }
  Status DismissAttentionItem(const std::string& id, Instant at) override { return in_.DismissAttentionItem(id, at); }

 protected:
  Store& in_;
};

}  // namespace schoolshare::testing
