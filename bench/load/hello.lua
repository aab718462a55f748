-- GET / again and again, counting statuses (see report.lua).
dofile("report.lua")
