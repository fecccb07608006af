// Reads a NIST StRD linear regression file (see test/data/nist-strd/README.md).
#pragma once

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

struct NistSet {
    std::vector<double> coef, std_err;  // certified, B0.. in order
    double residual_sd = 0, r2 = 0;
    std::vector<std::vector<double>> rows;  // y, then x values
};

inline NistSet read_nist(const std::string& path) {
    std::ifstream file(path);
    NistSet set;
    std::string line;
    bool in_data = false;
    while (std::getline(file, line)) {
        std::istringstream words(line);
        std::string first, second;
        words >> first;
        if (in_data) {
            std::istringstream values(line);
            std::vector<double> row;
            for (double v; values >> v;) row.push_back(v);
            if (!row.empty()) set.rows.push_back(row);
        } else if (first.size() > 1 && first[0] == 'B' && std::isdigit(static_cast<unsigned char>(first[1]))) {
            double estimate, sd;
            words >> estimate >> sd;
            set.coef.push_back(estimate);
            set.std_err.push_back(sd);
        } else if (first == "Standard") {
            words >> second >> set.residual_sd;
        } else if (first == "R-Squared") {
            words >> set.r2;
        } else if (first == "Data:") {
            words >> second;
            in_data = second == "y";
        }
    }
    return set;
}
