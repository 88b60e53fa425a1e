"""Chat exports (WhatsApp, Telegram) read into chats, accounts and messages."""
