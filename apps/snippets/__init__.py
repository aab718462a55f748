"""The paste site: a Django app people use to share code, built on the highlighter and the
diff viewer as HTTP services."""
