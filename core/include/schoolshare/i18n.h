// Messages in zh-CN (first) and en. Strings are keys into per-locale tables; every screen, message and
// report takes a Lang.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "schoolshare/rules.h"
#include "schoolshare/status.h"

namespace schoolshare {

enum class Lang { kZh, kEn };

Lang ParseLang(const std::string& text);  // "zh-CN", "zh", "zh_CN.UTF-8" -> kZh; "en*" -> kEn; else kZh
const char* LangTag(Lang lang);           // "zh-CN" | "en"
// The language from the environment ($SCHOOLSHARE_LANG, then $LANG), zh-CN when unset.
Lang LangFromEnvironment();

// The text for `key` in `lang` with "{name}" placeholders replaced from `params`; the key itself when
// the table has no such entry (a missing translation is visible, never a crash).
std::string Tr(Lang lang, std::string_view key, const std::map<std::string, std::string>& params = {});

// Every key of the tables and its text in `lang` (placeholders unreplaced), for a UI that must know in
// advance which characters it will draw (the kiosk's glyph atlas).
std::map<std::string, std::string> AllMessages(Lang lang);

// A person-readable sentence for a violation ("与已有预订冲突：…").
std::string DescribeViolation(Lang lang, const Violation& v);

// A refusal or failure of core for people: the code's headline in `lang` ("已锁定", "没有权限") before
// the message, which core writes in English ("已锁定：period 2026-10 of xjw is signed off"). Empty for ok.
std::string DescribeStatus(Lang lang, const Status& s);

}  // namespace schoolshare
