"""What every system shares: settings, clock, ids, errors, auth, pages, DynamoDB, audit."""
