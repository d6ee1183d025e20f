"""Administration for coordinators: units, categories, routing rules, deadline policies, the calendar
and staff accounts. The bodies (`schemas`) check values once for the API (`api`) and the pages
(`feedback.web.admin`); one module per kind (`units`, `categories`, `rules`, `policies`, `calendar`,
`users`) is the only code that changes its rows, and checks what needs the database."""
