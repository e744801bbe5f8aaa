// Checks upload files before they reach the service: every finding with its line, column, rule and
// fix. Exit status 0 when no file has an error, 1 otherwise, 2 when a file cannot be read.
//
// Usage: validate FILE...
#include <iostream>

#include "mmdreg.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: validate FILE...\n";
    return 2;
  }
  int exit_status = 0;
  for (int i = 1; i < argc; ++i) {
    const auto report = mmdreg::csv::validate_file_collect(argv[i]);
    if (!report.ok()) {
      std::cerr << "validate: " << report.err().message << "\n";
      exit_status = 2;
      continue;
    }
    for (const mmdreg::diagnostic& d : report->diagnostics) {
      std::cout << argv[i] << ":" << d.line << ": " << mmdreg::severity_name(d.severity) << " ["
                << mmdreg::rule_id(d.rule) << "]" << (d.column.empty() ? "" : " " + d.column)
                << ": " << d.message << "\n";
      if (!d.fix.empty()) std::cout << "    fix: " << d.fix << "\n";
    }
    const auto& s = report->summary;
    std::cout << argv[i] << ": "
              << (s.layout ? mmdreg::csv::dialect_id(s.layout->dialect) : "unknown dialect") << ", "
              << mmdreg::csv::encoding_name(s.encoding) << ", " << s.rows << " rows, " << s.accepted
              << " accepted, " << s.rejected << " rejected, " << s.errors << " errors, "
              << s.warnings << " warnings"
              << (s.file_rejected ? " (the file would be refused)" : "") << "\n";
    if (s.errors > 0 && exit_status == 0) exit_status = 1;
  }
  return exit_status;
}
