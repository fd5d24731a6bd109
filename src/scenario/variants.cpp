#include "variants.h"

#include "journeysim/util/nearest_name.h"
#include "journeysim/util/quote.h"

#include <algorithm>
#include <unordered_map>

namespace journeysim::detail {

namespace {

void add_unique(std::vector<std::string>& v, const std::string& s)
{
  if (std::find(v.begin(), v.end(), s) == v.end())
    v.push_back(s);
}

std::vector<std::string> split_path(const std::string& path)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  return out;
}

//! Name of a list item (a map with a scalar `name`), or "".
std::string item_name(const YNode& item)
{
  if (!item.is_map())
    return {};
  const YNode* n = item.find("name");
  return n && n->is_scalar() ? n->scalar : std::string{};
}

std::vector<std::string> item_names(const YNode* seq)
{
  std::vector<std::string> out;
  if (seq && seq->is_seq())
    for (const auto& item : seq->items)
      out.push_back(item_name(*item));
  return out;
}

//! Replace the value under `key` by a private copy and return it (nullptr
//! if the key is absent).
YNode* own_value(YNode& map, std::string_view key)
{
  const int i = map.find_index(key);
  if (i < 0)
    return nullptr;
  auto& slot = map.pairs[static_cast<std::size_t>(i)].second;
  auto copy = std::make_shared<YNode>(*slot);
  slot = copy;
  return copy.get();
}

//! Replace item `i` of a sequence by a private copy and return it.
YNode* own_item(YNode& seq, std::size_t i)
{
  auto copy = std::make_shared<YNode>(*seq.items[i]);
  seq.items[i] = copy;
  return copy.get();
}

//! The tag yaml-cpp gives plain nodes. (A std::string, not a literal: GCC 12
//! warns wrongly about assigning a short literal here, -Wrestrict.)
const std::string& plain_tag()
{
  static const std::string tag(1, '?');
  return tag;
}

//! A scalar key node `text` located at `at`.
NodePtr key_node(const std::string& text, const Mark& at)
{
  auto k = std::make_shared<YNode>();
  k->kind = YNode::Kind::Scalar;
  k->scalar = text;
  k->tag = plain_tag();
  k->mark = at;
  return k;
}

//! Set `key` of `map` to `value` (replacing or appending); the key node is
//! located at the `set:` path that did it.
void put(YNode& map, const std::string& key, const Mark& key_mark, NodePtr value)
{
  const int i = map.find_index(key);
  if (i >= 0)
    map.pairs[static_cast<std::size_t>(i)] = {key_node(key, key_mark), std::move(value)};
  else
    map.pairs.emplace_back(key_node(key, key_mark), std::move(value));
}

//! A private map under `key` (created empty, located at `at`, if absent or not a map).
YNode* own_map(YNode& map, const std::string& key, const Mark& key_mark, const Mark& at)
{
  YNode* v = own_value(map, key);
  if (v && v->is_map())
    return v;
  auto fresh = std::make_shared<YNode>();
  fresh->kind = YNode::Kind::Map;
  fresh->mark = at;
  fresh->tag = plain_tag();
  YNode* raw = fresh.get();
  put(map, key, key_mark, std::move(fresh));
  return raw;
}

//! Index of the item called `name` in the list under `list_key` of `root`.
std::size_t find_item(const Context& ctx, const YNode& root, const char* list_key, const char* what,
                      const std::string& name, const YNode& at)
{
  const std::vector<std::string> names = item_names(root.find(list_key));
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end())
    ctx.fail(at, std::string("no ") + what + " " + quote(name) + did_you_mean(name, names));
  return static_cast<std::size_t>(it - names.begin());
}

std::vector<std::string> without_name(const std::vector<std::string>& keys)
{
  std::vector<std::string> out;
  for (const auto& k : keys)
    if (k != "name")
      out.push_back(k);
  return out;
}

void check_key(const Context& ctx, const YNode& at, const std::string& key, const std::vector<std::string>& keys,
               const char* what)
{
  if (key == "name")
    ctx.fail(at, std::string("the name of a ") + what +
                     " cannot be set (names identify things across variants; use remove and add)");
  const auto settable = without_name(keys);
  if (std::find(settable.begin(), settable.end(), key) == settable.end())
    ctx.fail(at, "unknown key " + quote(key) + " for a " + what + did_you_mean(key, settable));
}

void apply_set_path(const Context& ctx, YNode& root, const YNode& path_node, const NodePtr& value,
                    const Model& base_model)
{
  const std::string& path = path_node.scalar;
  const Mark at = path_node.mark;
  const std::vector<std::string> seg = split_path(path);
  for (const auto& s : seg)
    if (s.empty())
      ctx.fail(path_node, "malformed path " + quote(path) + " (expected e.g. touchpoints.checkout.reach)");
  const std::string& head = seg[0];

  if (head == "mood_effect" || head == "margin" || head == "clv_days") {
    if (seg.size() != 1)
      ctx.fail(path_node, "" + head + " has no sub-keys");
    put(root, head, at, value);
    return;
  }
  if (head == "arrivals" || head == "referrals" || head == "feedback") {
    if (seg.size() > 2)
      ctx.fail(path_node, "expected " + head + " or " + head + ".<key>, got " + quote(path));
    if (seg.size() == 1) {
      put(root, head, at, value);
      return;
    }
    const auto& keys = head == "arrivals" ? ARRIVAL_KEYS : head == "referrals" ? REFERRAL_KEYS : FEEDBACK_KEYS;
    if (std::find(keys.begin(), keys.end(), seg[1]) == keys.end())
      ctx.fail(path_node, "unknown key " + quote(seg[1]) + " for " + head + did_you_mean(seg[1], keys));
    put(*own_map(root, head, at, value->mark), seg[1], at, value);
    return;
  }
  if (head == "calendar") {
    if (seg.size() < 3 || seg.size() > 4)
      ctx.fail(path_node, "expected calendar.<campaign>.<key>[.<touchpoint>], got " + quote(path));
    const std::size_t i = find_item(ctx, root, "calendar", "campaign", seg[1], path_node);
    check_key(ctx, path_node, seg[2], CAMPAIGN_KEYS, "campaign");
    YNode* item = own_item(*own_value(root, "calendar"), i);
    if (seg.size() == 3) {
      put(*item, seg[2], at, value);
      return;
    }
    if (seg[2] != "reach")
      ctx.fail(path_node, "" + quote(seg[2]) + " of a campaign has no sub-keys");
    put(*own_map(*item, "reach", at, value->mark), seg[3], at, value);
    return;
  }
  if (head == "currency")
    ctx.fail(path_node, "'currency' cannot be set by a variant: every variant's money is in the same currency");
  if (head == "horizon_days" || head == "population" || head == "seed" || head == "random_stream")
    ctx.fail(path_node, "" + quote(head) +
                            " cannot be set by a variant: all variants share the same agents and days" +
                            (ctx.file != "--set"           ? ""
                             : head == "horizon_days"      ? " (change horizon_days: in the scenario file)"
                             : head == "population"        ? " (use --agents)"
                             : head == "seed"              ? " (use --seed)"
                                                           : " (use --random-stream)"));
  if (head == "name" || head == "description" || head == "baseline" || head == "variants" || head == "sweep" ||
      head == "calibrate")
    ctx.fail(path_node, "" + quote(head) + " cannot be set by a variant");

  if (head == "stages") {
    if (seg.size() == 1)
      ctx.fail(path_node, "'stages' cannot be set: all variants share the same stages "
                          "(set stages.<stage>.<key> to change one)");
    if (seg.size() != 3)
      ctx.fail(path_node, "expected stages.<stage>.<key>, got " + quote(path));
    const std::size_t i = find_item(ctx, root, "stages", "stage", seg[1], path_node);
    check_key(ctx, path_node, seg[2], STAGE_KEYS, "stage");
    YNode* item = own_item(*own_value(root, "stages"), i);
    put(*item, seg[2], at, value);
    return;
  }

  if (head == "personas") {
    if (seg.size() == 1)
      ctx.fail(path_node, "'personas' cannot be set as a whole (set personas.<persona>.<key>)");
    if (seg.size() < 3 || seg.size() > 4)
      ctx.fail(path_node, "expected personas.<persona>.<key>[.<sub-key>], got " + quote(path));
    const std::size_t i = find_item(ctx, root, "personas", "persona", seg[1], path_node);
    check_key(ctx, path_node, seg[2], PERSONA_KEYS, "persona");
    YNode* item = own_item(*own_value(root, "personas"), i);
    if (seg.size() == 3) {
      put(*item, seg[2], at, value);
      return;
    }
    const std::string& sub = seg[3];
    if (seg[2] == "attributes") {
      std::vector<std::string> known = ENGINE_ATTRIBUTES;
      for (const auto& p : base_model.personas)
        for (const auto& a : p.attributes)
          add_unique(known, a.name);
      if (std::find(known.begin(), known.end(), sub) == known.end())
        ctx.fail(path_node, "no attribute " + quote(sub) + " in any persona" + did_you_mean(sub, known));
    } else if (seg[2] == "affinity") {
      const std::string problem = name_problem(sub);
      if (!problem.empty())
        ctx.fail(path_node, "channel " + quote(sub) + " " + problem);
    } else {
      ctx.fail(path_node, "" + quote(seg[2]) + " of a persona has no sub-keys");
    }
    put(*own_map(*item, seg[2], at, value->mark), sub, at, value);
    return;
  }

  if (head == "touchpoints") {
    if (seg.size() == 1)
      ctx.fail(path_node, "'touchpoints' cannot be set as a whole "
                          "(use add/remove, or set touchpoints.<touchpoint>.<key>)");
    if (seg.size() < 3 || seg.size() > 4)
      ctx.fail(path_node, "expected touchpoints.<touchpoint>.<key>[.<sub-key>], got " + quote(path));
    const std::size_t i = find_item(ctx, root, "touchpoints", "touchpoint", seg[1], path_node);
    check_key(ctx, path_node, seg[2], TOUCHPOINT_KEYS, "touchpoint");
    YNode* item = own_item(*own_value(root, "touchpoints"), i);
    if (seg.size() == 3) {
      put(*item, seg[2], at, value);
      return;
    }
    const std::string& sub = seg[3];
    if (seg[2] == "checkout") {
      if (std::find(CHECKOUT_KEYS.begin(), CHECKOUT_KEYS.end(), sub) == CHECKOUT_KEYS.end())
        ctx.fail(path_node, "unknown key " + quote(sub) + " for a checkout" + did_you_mean(sub, CHECKOUT_KEYS));
    } else if (seg[2] == "budget") {
      if (std::find(BUDGET_KEYS.begin(), BUDGET_KEYS.end(), sub) == BUDGET_KEYS.end())
        ctx.fail(path_node, "unknown key " + quote(sub) + " for a budget" + did_you_mean(sub, BUDGET_KEYS));
    } else if (seg[2] == "target") {
      std::vector<std::string> known = TARGET_KEYS;
      for (const auto& a : ENGINE_ATTRIBUTES)
        known.push_back(a);
      for (const auto& p : base_model.personas)
        for (const auto& a : p.attributes)
          add_unique(known, a.name);
      if (std::find(known.begin(), known.end(), sub) == known.end())
        ctx.fail(path_node, "unknown key or attribute " + quote(sub) + " for a target" +
                                did_you_mean(sub, known));
    } else {
      ctx.fail(path_node, "" + quote(seg[2]) + " of a touchpoint has no sub-keys");
    }
    YNode* map = own_map(*item, seg[2], at, value->mark);
    if (seg[2] == "budget" && (sub == "total" || sub == "per_day")) {
      // Two ways to state the same money: setting one replaces the other.
      if (const int j = map->find_index(sub == "total" ? "per_day" : "total"); j >= 0)
        map->pairs.erase(map->pairs.begin() + j);
    }
    put(*map, sub, at, value);
    return;
  }

  ctx.fail(path_node, "" + quote(path) + " names nothing that can be set" +
                          did_you_mean(head, {"touchpoints", "stages", "personas", "mood_effect", "margin",
                                              "clv_days", "arrivals", "calendar", "referrals", "feedback"}));
}

//! A touchpoint's budget map in the variant's tree (made private to it).
YNode* budget_of(const Context& ctx, YNode& root, const YNode& at, const std::string& name, const char* role)
{
  const std::vector<std::string> names = item_names(root.find("touchpoints"));
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end())
    ctx.fail(at, std::string("reallocate: ") + role + ": no touchpoint " + quote(name) + did_you_mean(name, names));
  YNode* item = own_item(*own_value(root, "touchpoints"), static_cast<std::size_t>(it - names.begin()));
  YNode* budget = own_value(*item, "budget");
  if (!budget || !budget->is_map())
    ctx.fail(at, std::string("reallocate: ") + role + ": touchpoint " + quote(name) +
                     " has no budget (give it budget: {total: …, cost_per_exposure: …}; a stated reach has no money to move)");
  return budget;
}

//! Money of a budget over the horizon (total, or per_day × horizon).
double budget_total(const Context& ctx, const YNode& budget, double horizon, const std::string& path)
{
  if (const YNode* t = budget.find("total"))
    return read_nonnegative(ctx, *t, path + ".total");
  if (const YNode* d = budget.find("per_day"))
    return read_nonnegative(ctx, *d, path + ".per_day") * horizon;
  ctx.fail(budget, path + ": expected total or per_day");
}

//! `reallocate: {from: A, to: B, share: 0.5}` (or `amount: 2000`, money):
//! moves budget from A to B so that the total stays equal. Several moves
//! may be listed; they apply in order, after `set`.
void apply_reallocation(const Context& ctx, YNode& root, const YNode& spec)
{
  std::vector<const YNode*> moves;
  if (spec.is_seq())
    for (const auto& m : spec.items)
      moves.push_back(m.get());
  else
    moves.push_back(&spec);
  double horizon = 90;
  if (const YNode* h = root.find("horizon_days"))
    horizon = static_cast<double>(read_integer(ctx, *h, "horizon_days", 1, MAX_HORIZON_DAYS));
  for (const YNode* move : moves) {
    MapReader m(ctx, *move, "reallocation", "reallocate", {"from", "to", "share", "amount"});
    const std::string from = read_name(ctx, m.require("from"), "reallocate.from", "touchpoint name");
    const std::string to = read_name(ctx, m.require("to"), "reallocate.to", "touchpoint name");
    if (from == to)
      ctx.fail(*m.get("to"), "reallocate: from and to are the same touchpoint " + quote(from));
    YNode* src = budget_of(ctx, root, *m.get("from"), from, "from");
    const double src_total = budget_total(ctx, *src, horizon, "touchpoints." + from + ".budget");
    YNode* dst = budget_of(ctx, root, *m.get("to"), to, "to");
    const double dst_total = budget_total(ctx, *dst, horizon, "touchpoints." + to + ".budget");
    const YNode* share = m.get("share");
    const YNode* amount = m.get("amount");
    if ((share != nullptr) == (amount != nullptr))
      ctx.fail(*move, "reallocate: give either share (a fraction of from's budget, e.g. 0.5) or amount (money), not " +
                          std::string(share ? "both" : "neither"));
    const double moved = share ? read_range(ctx, *share, "reallocate.share", 0.0, 1.0, "a share in [0, 1]") * src_total
                               : read_nonnegative(ctx, *amount, "reallocate.amount");
    if (moved > src_total)
      ctx.fail(*amount, "reallocate: amount " + fmt(moved) + " is more than " + quote(from) + "'s budget of " +
                            fmt(src_total));
    // Budgets moved are stated as totals over the horizon.
    const auto set_total = [&](YNode& budget, double total) {
      const int per_day = budget.find_index("per_day");
      if (per_day >= 0)
        budget.pairs.erase(budget.pairs.begin() + per_day);
      NodePtr v = key_node(fmt(total), move->mark);
      put(budget, "total", move->mark, std::move(v));
    };
    set_total(*src, src_total - moved);
    set_total(*dst, dst_total + moved);
  }
}

//! `add:` / `remove:` maps: only touchpoints.
const YNode* touchpoint_list(const Context& ctx, const YNode& node, const char* verb)
{
  MapReader m(ctx, node, verb, verb, {"touchpoints", "stages", "personas"}, true);
  for (const char* k : {"stages", "personas"})
    if (const YNode* key = m.key_node(k))
      ctx.fail(*key, std::string("variants cannot ") + verb + " " + k +
                         ": all variants share the same stages/agents");
  return m.get("touchpoints");
}

} // namespace

std::vector<VariantSpec> read_variant_specs(const Context& ctx, const YNode* variants,
                                            const std::string& baseline_name)
{
  std::vector<VariantSpec> specs;
  if (!variants)
    return specs;
  const auto& items = read_seq(ctx, *variants, "variants", true);
  std::unordered_map<std::string, int> lines;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const YNode& item = *items[i];
    if (static_cast<int>(i) >= MAX_VARIANTS)
      ctx.fail(item, "too many variants: at most " + std::to_string(MAX_VARIANTS));
    std::string path = "variants[#" + std::to_string(i + 1) + "]";
    MapReader m(ctx, item, "variant", path, VARIANT_KEYS);
    VariantSpec s;
    s.node = &item;
    const YNode& name_node = m.require("name");
    s.name = read_name(ctx, name_node, m.path("name"), "variant name");
    if (s.name == baseline_name)
      ctx.fail(name_node, "variant name " + quote(s.name) +
                              " is the baseline's name (rename the variant, or set `baseline:` to another name)");
    const auto [prev, inserted] = lines.emplace(s.name, name_node.mark.line + 1);
    if (!inserted)
      ctx.fail(name_node, "duplicate variant name " + quote(s.name) + " (first defined at line " +
                              std::to_string(prev->second) + ")");
    path = "variant " + quote(s.name) + ": ";
    if (const YNode* d = m.get("description"))
      s.description = read_string(ctx, *d, path + "description");
    s.base_node = m.get("base");
    s.set = m.get("set");
    s.add = m.get("add");
    s.remove = m.get("remove");
    s.reallocate = m.get("reallocate");
    if (s.set && !(s.set->is_map() || s.set->is_null()))
      ctx.fail(*s.set, path + "set: expected a map of path: value, got " + s.set->describe());
    specs.push_back(std::move(s));
  }
  // Bases, once all names are known.
  std::vector<std::string> names;
  for (const auto& s : specs)
    names.push_back(s.name);
  std::vector<std::string> candidates = names;
  candidates.push_back(baseline_name);
  for (auto& s : specs) {
    if (!s.base_node)
      continue;
    const std::string base =
      read_name(ctx, *s.base_node, "variant " + quote(s.name) + ": base", "variant name");
    if (base == baseline_name)
      continue;
    const auto it = std::find(names.begin(), names.end(), base);
    if (it == names.end()) {
      std::string hint = did_you_mean(base, candidates);
      if (hint.empty()) {
        std::string list;
        for (const auto& c : candidates)
          list += (list.empty() ? "" : ", ") + c;
        hint = " (the variants are: " + list + ")";
      }
      ctx.fail(*s.base_node, "variant " + quote(s.name) + ": base: no variant " + quote(base) + hint);
    }
    s.base = static_cast<int>(it - names.begin());
  }
  return specs;
}

std::vector<std::string> collect_channels(const YNode& root, const std::vector<VariantSpec>& specs)
{
  std::vector<std::string> out;
  auto scan = [&](const YNode* seq) {
    if (!seq || !seq->is_seq())
      return;
    for (const auto& item : seq->items)
      if (item->is_map())
        if (const YNode* c = item->find("channel"); c && c->is_scalar())
          add_unique(out, c->scalar);
  };
  scan(root.find("touchpoints"));
  for (const auto& s : specs) {
    if (s.add && s.add->is_map())
      scan(s.add->find("touchpoints"));
    if (s.set && s.set->is_map())
      for (const auto& [k, v] : s.set->pairs) {
        const auto seg = split_path(k->scalar);
        if (seg.size() == 3 && seg[0] == "touchpoints" && seg[2] == "channel" && v->is_scalar())
          add_unique(out, v->scalar);
      }
  }
  for (const auto& c : WELL_KNOWN_CHANNELS)
    add_unique(out, c);
  return out;
}

std::vector<std::string> collect_touchpoints(const YNode& root, const std::vector<VariantSpec>& specs)
{
  std::vector<std::string> out = item_names(root.find("touchpoints"));
  for (const auto& s : specs)
    if (s.add && s.add->is_map())
      for (const auto& n : item_names(s.add->find("touchpoints")))
        add_unique(out, n);
  return out;
}

const YNode* check_parameter_path(const Context& ctx, const NodePtr& root, const YNode& path_node,
                                  const Model& base_model)
{
  YNode scratch = *root; // apply_set_path copies what it changes: `root` stays as it is
  apply_set_path(ctx, scratch, path_node, key_node("0", path_node.mark), base_model);
  const YNode* node = root.get();
  for (const std::string& part : split_path(path_node.scalar)) {
    if (node->is_seq()) {
      const std::vector<std::string> names = item_names(node);
      const auto it = std::find(names.begin(), names.end(), part);
      node = it == names.end() ? nullptr : node->items[static_cast<std::size_t>(it - names.begin())].get();
    } else {
      node = node->is_map() ? node->find(part) : nullptr;
    }
    if (!node)
      return nullptr;
  }
  return node;
}

NodePtr apply_variant(const Context& ctx, const NodePtr& base_root, const Model& base_model,
                      const VariantSpec& spec)
{
  auto root = std::make_shared<YNode>(*base_root);

  if (spec.remove) {
    if (const YNode* list = touchpoint_list(ctx, *spec.remove, "remove")) {
      const auto& names = read_seq(ctx, *list, "remove.touchpoints", true);
      YNode* seq = own_value(*root, "touchpoints");
      const std::vector<std::string> existing = item_names(seq);
      std::vector<std::string> gone;
      for (const auto& n : names) {
        const std::string name = read_name(ctx, *n, "remove.touchpoints", "touchpoint name");
        if (std::find(existing.begin(), existing.end(), name) == existing.end())
          ctx.fail(*n, "remove: no touchpoint " + quote(name) + " in " +
                           (spec.base < 0 ? std::string("the baseline") : "base variant " + quote(base_model.name)) +
                           did_you_mean(name, existing));
        if (std::find(gone.begin(), gone.end(), name) != gone.end())
          ctx.fail(*n, "remove: touchpoint " + quote(name) + " is listed twice");
        gone.push_back(name);
      }
      std::vector<NodePtr> kept;
      for (const auto& item : seq->items)
        if (std::find(gone.begin(), gone.end(), item_name(*item)) == gone.end())
          kept.push_back(item);
      seq->items = std::move(kept);
    }
  }

  if (spec.add) {
    if (const YNode* list = touchpoint_list(ctx, *spec.add, "add")) {
      const auto& items = read_seq(ctx, *list, "add.touchpoints", true);
      YNode* seq = own_value(*root, "touchpoints");
      seq->items.insert(seq->items.end(), items.begin(), items.end());
    }
  }

  if (spec.set) {
    Context set_ctx = ctx;
    set_ctx.prefix += "set: ";
    for (const auto& [k, v] : spec.set->pairs) {
      // A budget's total and per_day replace each other: both in one set is a contradiction.
      if (const std::string other = vocabulary::other_budget_money(k->scalar); !other.empty() && spec.set->find(other))
        set_ctx.fail(*k, "a budget is given by total or per_day, not both: set one of them");
      apply_set_path(set_ctx, *root, *k, v, base_model);
    }
  }

  if (spec.reallocate)
    apply_reallocation(ctx, *root, *spec.reallocate);

  return root;
}

} // namespace journeysim::detail
