// The message tables behind Tr(): one entry per key with its zh-CN and en text. Private to i18n.
#pragma once

#include <cstddef>

namespace schoolshare::i18n {

struct Message {
  const char* key;
  const char* zh;
  const char* en;
};

struct MessageTable {
  const Message* entries;
  std::size_t size;
};

// The command line's words (cli_messages.cpp).
MessageTable CliMessages();
// The kiosk's words (kiosk_messages.cpp).
MessageTable KioskMessages();
// The admin client's words (admin_messages.cpp).
MessageTable AdminMessages();
// The admin window's frame and its booking views (admin_window_messages.cpp).
MessageTable AdminWindowMessages();
// The reasons of search and recommendation (search_messages.cpp).
MessageTable SearchMessages();

}  // namespace schoolshare::i18n
