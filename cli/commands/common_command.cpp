// schoolshare find common: registered once the classes and timetables are on main.
#include "cli_context.h"

namespace schoolshare::cli {

void AddFindCommonCommand(CLI::App& /*find*/, Context& /*ctx*/) {}

}  // namespace schoolshare::cli
