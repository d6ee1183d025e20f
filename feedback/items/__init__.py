"""The feedback item's home: its models, vocabulary, access rules and timeline, which every domain uses."""
