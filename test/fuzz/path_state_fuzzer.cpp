// libFuzzer target for the serialized state of the path aggregates (a
// StateHeader, the events, the pattern text, the names): paths::check_state,
// then what src/pg/paths.cpp does with an accepted block: path_deserialize
// copies events, pattern and names into blocks of their own, and the final
// function of the state's kind runs:
//   Path     path_agg_final: order_path on the nodes (event + name);
//   Pattern  path_match_final / path_count_final: compile the pattern, sort
//            the events, match and count_matches;
//   Next     path_next_final: next_node on the nodes.
// An input check_state rejects is tried once more with its sizes made
// consistent (count cut to the events present, names fitted into what
// follows them), so the fuzzer also reaches the checks of every event and
// the final functions with arbitrary events.
// sources: paths.cpp error.cpp
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "paths.hpp"
#include "state_fuzz.hpp"

namespace paths = eventml::core::paths;
using fuzz::Buffer;

namespace {

// Matching backtracks up to kMaxIterations steps per search, and counting
// searches from every event: bounded, but slow for a long state.
constexpr std::int64_t kMaxMatchedEvents = 256;

const paths::StateHeader* check(const Buffer& buffer) {
    const paths::StateHeader* header = nullptr;
    if (!fuzz::accepts([&] { header = &paths::check_state(buffer.data(), buffer.size()); })) return nullptr;
    FUZZ_CHECK(header->count >= 0 && header->name_bytes >= 0 && header->pattern_bytes >= 0);
    FUZZ_CHECK(sizeof(paths::StateHeader) + sizeof(paths::Event) * header->count + header->pattern_bytes +
                   header->name_bytes ==
               buffer.size());
    return header;
}

// Sums a node's name bytes, so that AddressSanitizer checks them.
unsigned touch(const paths::Node& node) {
    unsigned sum = 0;
    for (std::uint32_t i = 0; i < node.event.length; ++i) sum += static_cast<unsigned char>(node.name[i]);
    return sum;
}

void run(const Buffer& input) {
    const paths::StateHeader* header = check(input);
    if (header == nullptr) return;
    const std::int64_t n = header->count;
    // path_deserialize: events, pattern and names, each in a block of its own.
    const unsigned char* at = input.data() + sizeof(paths::StateHeader);
    Buffer events(at, sizeof(paths::Event) * n);
    at += events.size();
    const Buffer pattern(at, header->pattern_bytes);
    at += pattern.size();
    const Buffer names(at, header->name_bytes);
    auto* event = reinterpret_cast<paths::Event*>(events.data());
    // nodes_of: each event with its name, the names back to back.
    std::vector<paths::Node> nodes(n);
    const char* name = reinterpret_cast<const char*>(names.data());
    for (std::int64_t i = 0; i < n; ++i) {
        nodes[i] = paths::Node{event[i], name};
        name += event[i].length;
    }
    volatile unsigned sink = 0;

    switch (header->kind) {
        case paths::Kind::Path: {  // path_agg_final
            const bool collapse = header->options & 1;
            std::int64_t kept = -1;
            if (!fuzz::consume([&] { kept = paths::order_path(nodes.data(), n, collapse, header->keep); })) return;
            FUZZ_CHECK(kept >= 0 && kept <= n);
            if (header->keep > 0) FUZZ_CHECK(kept <= header->keep);
            if (header->keep < 0) FUZZ_CHECK(kept <= -header->keep);
            for (std::int64_t i = 0; i < kept; ++i) {
                sink = sink + touch(nodes[i]);
                if (i > 0) FUZZ_CHECK(nodes[i - 1].event.time <= nodes[i].event.time);
                if (i > 0 && collapse)
                    FUZZ_CHECK(nodes[i - 1].event.length != nodes[i].event.length ||
                               std::memcmp(nodes[i - 1].name, nodes[i].name, nodes[i].event.length) != 0);
            }
            break;
        }
        case paths::Kind::Pattern: {  // path_match_final, path_count_final
            std::vector<paths::Action> actions(paths::max_actions(pattern.size()));
            std::size_t steps = 0;
            if (!fuzz::consume([&] {
                    steps = paths::compile(reinterpret_cast<const char*>(pattern.data()), pattern.size(),
                                           header->conditions, actions.data());
                }))
                return;
            FUZZ_CHECK(steps >= 1 && steps <= actions.size());
            paths::sort_events(event, n);
            for (std::int64_t i = 1; i < n; ++i) FUZZ_CHECK(event[i - 1].time <= event[i].time);
            if (n > kMaxMatchedEvents) return;
            bool matched = false;
            std::int64_t matches = -1;
            const bool ran_match = fuzz::consume(
                [&] { matched = paths::match(actions.data(), steps, event, n, eventml::core::StopCheck()); });
            const bool ran_count = fuzz::consume(
                [&] { matches = paths::count_matches(actions.data(), steps, event, n, eventml::core::StopCheck()); });
            if (ran_count) FUZZ_CHECK(matches >= 0 && matches <= n);
            // Counting starts with the search that matching makes.
            if (ran_match && ran_count && n > 0) FUZZ_CHECK(matched == (matches > 0));
            break;
        }
        case paths::Kind::Next: {  // path_next_final
            const auto direction = static_cast<paths::Direction>(header->options & 1);
            const auto base = static_cast<paths::Base>(header->options >> 1);
            std::int64_t found = -2;
            if (!fuzz::consume(
                    [&] { found = paths::next_node(direction, base, header->conditions, nodes.data(), n); }))
                return;
            FUZZ_CHECK(found >= -1 && found < n);
            if (found >= 0) sink = sink + touch(nodes[found]);
            break;
        }
        default:
            FUZZ_CHECK(!"check_state accepted an unknown kind");
    }
}

// Makes the sizes of a rejected input consistent: count cut to the events
// present, the pattern cut to what follows them, the names' lengths cut
// (each below 64 bytes) to fit what is left, and the input cut after them.
// False when the input is shorter than the header.
bool repair(Buffer& input) {
    const std::size_t size = input.size();
    if (size < sizeof(paths::StateHeader)) return false;
    const std::size_t body = size - sizeof(paths::StateHeader);
    paths::StateHeader header = input.read<paths::StateHeader>(0);
    if (header.count < 0 || static_cast<std::uint64_t>(header.count) > body / sizeof(paths::Event))
        header.count = static_cast<std::int64_t>(body / sizeof(paths::Event));
    std::size_t rest = body - sizeof(paths::Event) * header.count;
    if (header.pattern_bytes < 0 || static_cast<std::size_t>(header.pattern_bytes) > rest)
        header.pattern_bytes = static_cast<std::int32_t>(rest);
    rest -= header.pattern_bytes;
    std::uint64_t names = 0;
    for (std::int64_t i = 0; i < header.count; ++i) {
        const std::size_t offset = sizeof(paths::StateHeader) + sizeof(paths::Event) * i;
        paths::Event event = input.read<paths::Event>(offset);
        event.length = std::min<std::uint64_t>(event.length % 64, rest - names);
        names += event.length;
        input.write(offset, event);
    }
    header.name_bytes = static_cast<std::int64_t>(names);
    input.write(0, header);
    input.resize(sizeof(paths::StateHeader) + sizeof(paths::Event) * header.count + header.pattern_bytes + names);
    return true;
}

// ---- seeds ----------------------------------------------------------------

struct Row {
    std::int64_t time;
    std::uint32_t bits;
    const char* name;
    bool base;
};

// A state as path_serialize writes it.
std::vector<unsigned char> state(paths::StateHeader header, const std::string& pattern, const std::vector<Row>& rows) {
    fuzz::Bytes events;
    std::string names;
    // path_next_trans keeps the flags of the state's steps only.
    const std::uint32_t steps = header.conditions == 32 ? ~0u : (1u << header.conditions) - 1;
    for (const Row& row : rows) {
        const paths::Event event{row.time, row.bits & steps, static_cast<std::uint32_t>(std::strlen(row.name)),
                                 row.base};
        events.put(event);
        names += row.name;
    }
    header.count = static_cast<std::int64_t>(rows.size());
    header.name_bytes = static_cast<std::int64_t>(names.size());
    fuzz::Bytes out;
    out.put(header).put(events.bytes.data(), events.bytes.size()).put(pattern.data(), pattern.size());
    out.put(names.data(), names.size());
    return out.bytes;
}

fuzz::Seeds seeds() {
    constexpr std::int64_t kSecond = 1000000;
    const std::vector<Row> named = {{5 * kSecond, 0, "buy", false},  {1 * kSecond, 0, "view", false},
                                    {2 * kSecond, 0, "view", false}, {3 * kSecond, 0, "cart", false},
                                    {3 * kSecond, 0, "view", false}, {4 * kSecond, 0, "", false}};
    const std::vector<Row> matched = {{1 * kSecond, 1, "", false}, {2 * kSecond, 2, "", false},
                                      {9 * kSecond, 3, "", false}, {4 * kSecond, 4, "", false},
                                      {4 * kSecond, 1, "", false}, {70 * kSecond, 2, "", false}};
    const std::vector<Row> next = {{1 * kSecond, 1, "home", true},   {2 * kSecond, 2, "search", false},
                                   {3 * kSecond, 0, "product", false}, {3 * kSecond, 3, "home", true},
                                   {4 * kSecond, 2, "search", true},  {6 * kSecond, 0, "cart", false}};
    const auto next_options = [](paths::Direction d, paths::Base b) {
        return static_cast<int>(d) | static_cast<int>(b) << 1;
    };
    fuzz::Seeds out;
    out.push_back({"path-all", state(paths::make_header(paths::Kind::Path, 0, 0, 0, 0), "", named)});
    out.push_back({"path-collapse-first-3", state(paths::make_header(paths::Kind::Path, 0, 1, 0, 3), "", named)});
    out.push_back({"path-last-2", state(paths::make_header(paths::Kind::Path, 0, 0, 0, -2), "", named)});
    const std::string plain = "(?1).*(?2)(?3)", timed = "(?1)(?t<=5).*(?2)(?t>1)(?3)";
    out.push_back({"pattern-plain",
                   state(paths::make_header(paths::Kind::Pattern, 3, 0, static_cast<int>(plain.size()), 0), plain, matched)});
    out.push_back({"pattern-timed",
                   state(paths::make_header(paths::Kind::Pattern, 3, 0, static_cast<int>(timed.size()), 0), timed, matched)});
    out.push_back({"pattern-empty", state(paths::make_header(paths::Kind::Pattern, 1, 0, 0, 0), "", {})});
    out.push_back({"next-head-forward",
                   state(paths::make_header(paths::Kind::Next, 0,
                                            next_options(paths::Direction::Forward, paths::Base::Head), 0, 0),
                         "", next)});
    out.push_back({"next-first-match-2",
                   state(paths::make_header(paths::Kind::Next, 2,
                                            next_options(paths::Direction::Forward, paths::Base::FirstMatch), 0, 0),
                         "", next)});
    out.push_back({"next-last-match-backward",
                   state(paths::make_header(paths::Kind::Next, 1,
                                            next_options(paths::Direction::Backward, paths::Base::LastMatch), 0, 0),
                         "", next)});
    return out;
}

bool valid(const Buffer& input) { return check(input) != nullptr; }

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, repair)
