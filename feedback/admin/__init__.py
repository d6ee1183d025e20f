"""Administration for coordinators: units, categories, routing rules, deadline policies, the calendar
and staff accounts. `services` is the only code that changes these rows; `api` and the web pages
(`feedback.web.admin`) call it."""
