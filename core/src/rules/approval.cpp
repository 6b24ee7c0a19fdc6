// Approval decisions and the scope of each role. Pure functions.
#include "schoolshare/rules.h"

namespace schoolshare {

ApprovalDecision DecideApproval(const Resource& resource, bool cross_school, const SharingAgreement* agreement) {
  if (!cross_school) return {BookingStatus::kConfirmed, ApprovalStage::kNone};
  const ApprovalMode mode = resource.policy.approval;
  if (agreement != nullptr && agreement->auto_approve) {
    // The agreement stands in for the owner's approval; a district sign-off the policy asks for remains.
    if (mode == ApprovalMode::kOwnerThenDistrict) return {BookingStatus::kPending, ApprovalStage::kDistrict};
    return {BookingStatus::kConfirmed, ApprovalStage::kNone};
  }
  switch (mode) {
    case ApprovalMode::kNone:
      return {BookingStatus::kConfirmed, ApprovalStage::kNone};
    case ApprovalMode::kOwner:
    case ApprovalMode::kOwnerThenDistrict:
      return {BookingStatus::kPending, ApprovalStage::kOwner};
  }
  return {BookingStatus::kPending, ApprovalStage::kOwner};
}

ApprovalStage NextStage(const Resource& resource, ApprovalStage stage) {
  if (stage == ApprovalStage::kOwner && resource.policy.approval == ApprovalMode::kOwnerThenDistrict) {
    return ApprovalStage::kDistrict;
  }
  return ApprovalStage::kNone;
}

bool MayAct(const Actor& actor, Action action, const std::string& requesting_school_id,
            const std::string& owner_school_id, ApprovalStage stage) {
  if (action == Action::kRead) return true;  // every role may read within its token
  switch (actor.role) {
    case Role::kDistrictAdmin:
      return true;
    case Role::kAuditor:
    case Role::kFeed:
      return false;
    case Role::kSchoolManager: {
      const std::string& mine = actor.school_id;
      if (mine.empty()) return false;  // an unscoped manager token acts on nothing
      const bool requests = requesting_school_id == mine;
      const bool owns = owner_school_id == mine;
      switch (action) {
        case Action::kCreateBooking:
          return requests;
        case Action::kCancelBooking:
          return requests || owns;
        case Action::kApproveBooking:
          return owns && stage == ApprovalStage::kOwner;
        case Action::kRecordFact:
        case Action::kEditCatalogue:
        case Action::kSignOff:
          return owns;
        case Action::kRead:
          return true;
      }
      return false;
    }
    case Role::kKiosk: {
      if (actor.school_id.empty() || owner_school_id != actor.school_id) return false;
      return action == Action::kRecordFact || action == Action::kCreateBooking;
    }
  }
  return false;
}

}  // namespace schoolshare
