#!/usr/bin/env python3
"""Writes the bad scenarios of this directory (tests/data/bad/*.yaml).

Each case is the good scenario ../good/small_with_variants.yaml with one
mistake, or a small text of its own. The character ⟦ marks where the loader
must report the mistake; it is removed and the position written as the file's
first line, "# expect: LINE:COLUMN: substring of the message" (1-based,
columns in bytes), which tests/unit/scenario/test_bad_scenarios.cpp checks.
Where yaml-cpp reports a syntax error later than the real mistake, the marker
is where yaml-cpp reports it. Run: python3 generate.py (rewrites every .yaml).
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = open(os.path.join(HERE, '..', 'good', 'small_with_variants.yaml')).read()
OUT = HERE
M = '⟦'

def sub(*pairs):
    t = BASE
    for old, new in pairs:
        assert t.count(old) == 1, (old, t.count(old))
        t = t.replace(old, new)
    return t

def append(extra):
    return BASE + extra

cases = []
def case(name, text, msg, at=None):
    cases.append((name, text, msg, at))

# --- syntax and encoding
case('syntax_unclosed_flow', sub(('  - {name: awareness, dropout: 0.02}\n  - {name: interest', '  - {name: awareness, dropout: 0.02\n  - {name: interest')).replace('  - {name: intent,', '  ⟦- {name: intent,'), 'YAML syntax error: illegal block entry')
case('syntax_tab_indent', sub(('    share: 0.6\n', '⟦\tshare: 0.6\n')), 'YAML syntax error: illegal tab when looking for indentation')
case('syntax_bad_indent', sub(('    mood: 0.1\n', '     mood⟦: 0.1\n')), 'YAML syntax error')
case('binary_garbage', sub(('name: bad\n', 'name: bad\n⟦\x00\x01\x02\x03garbage\n')), 'control character 0x00')
case('non_utf8', sub(('name: bad\n', 'name: bad\ndescription: caf⟦\udcffe\n')), 'not valid UTF-8')
case('not_a_map', '⟦- name: bad\n- stages: []\n', 'expected a map')
case('empty_file', '', 'the scenario is empty', at=(1, 1))
case('two_documents', BASE + '⟦---\nname: other\n', 'one YAML document')
case('deep_nesting', sub(('name: bad\n', 'name: bad\nsweep: {x: ' + '[' * 62 + '⟦[' + '[' * 20 + ']' * 83 + '}\n')), 'nesting deeper than 64')
case('deep_nesting_parser_limit', sub(('name: bad\n', 'name: bad\nsweep: {x: ' + '[' * 62 + '⟦[' + '[' * 5000 + ']' * 5063 + '}\n')), 'nesting deeper than 64')
bomb = 'name: bad\nsweep:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n'
for i in range(1, 10):
    prev, cur = chr(96 + i), chr(97 + i)
    bomb += f'  {cur}: &{cur} [' + ', '.join(['*' + prev] * 10) + ']\n'
# the 1st *e on f's line takes the expanded size past 200,000 nodes
case('alias_bomb', bomb.replace('  f: &f [', '  f: &f [⟦', 1), 'scenario too large')

# --- unknown keys
case('unknown_key_top', sub(('name: bad\n', 'name: bad\n⟦horizon_day: 90\n')), "unknown key 'horizon_day' in the scenario — did you mean 'horizon_days'?")
case('unknown_key_stage', sub(('{name: awareness, dropout: 0.02}', '{name: awareness, ⟦dropuot: 0.02}')), "unknown key 'dropuot' in stage — did you mean 'dropout'?")
case('unknown_key_persona', sub(('    share: 0.4\n', '    ⟦shares: 0.4\n')), "unknown key 'shares' in persona — did you mean 'share'?")
case('unknown_key_touchpoint', sub(('stages: [awareness], reach: 0.1,', 'stages: [awareness], ⟦reech: 0.1,')), "unknown key 'reech' in touchpoint — did you mean 'reach'?")
case('unknown_key_variant', sub(('    set: {touchpoints.checkout.checkout.steps: 2}', '    ⟦sett: {touchpoints.checkout.checkout.steps: 2}')), "unknown key 'sett' in variant — did you mean 'set'?")
case('unknown_key_checkout', sub(('{steps: 3, step_abandon: 0.1}', '{steps: 3, ⟦step_abandonment: 0.1}')), "unknown key 'step_abandonment' in checkout")
case('unknown_key_distribution', sub(('{normal: [30, 5], min: 18}', '{normal: [30, 5], ⟦minimum: 18}')), "unknown key 'minimum' in a distribution")

# --- misspelt names
case('misspelt_stage_in_touchpoint', sub(('stages: [interest, intent]', 'stages: [⟦intrest, intent]')), "unknown stage 'intrest' — did you mean 'interest'?")
case('misspelt_phase', sub(('{name: intent, phase: purchase,', '{name: intent, phase: ⟦purchse,')), "unknown phase 'purchse' — did you mean 'purchase'?")
case('misspelt_kind', sub(('    kind: moment_of_truth\n', '    kind: ⟦moment_of_trut\n')), "unknown kind 'moment_of_trut' — did you mean 'moment_of_truth'?")
case('misspelt_affinity_channel', sub(('affinity: {social: 1.5,', 'affinity: {⟦socail: 1.5,')), "unknown channel 'socail' in affinity — did you mean 'social'?")
case('misspelt_target_attribute', sub(('target: {cart_abandoned: true}', 'target: {⟦tech_savy: {min: 0.5}}')), "variant 'remarketing': touchpoints[cart_ads].target: unknown key or attribute 'tech_savy' in target — did you mean 'tech_savvy'?")
case('set_unknown_persona', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦personas.p3.share: 0.5}')), "set: no persona 'p3' — did you mean 'p1'?")
case('set_unknown_touchpoint', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦touchpoints.chekout.reach: 0.5}')), "variant 'short_checkout': set: no touchpoint 'chekout' — did you mean 'checkout'?")
case('set_unknown_stage', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦stages.intnet.dropout: 0.5}')), "set: no stage 'intnet' — did you mean 'intent'?")
case('set_unknown_key', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦touchpoints.checkout.advanse: 0.5}')), "set: unknown key 'advanse' for a touchpoint — did you mean 'advance'?")
case('set_unknown_subkey', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦touchpoints.checkout.checkout.stpes: 2}')), "set: unknown key 'stpes' for a checkout — did you mean 'steps'?")
case('set_unknown_attribute', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦personas.p1.attributes.agee: 40}')), "set: no attribute 'agee' in any persona — did you mean 'age'?")

# --- types and numbers
case('map_for_number', sub(('reach: 0.3\n', 'reach: ⟦{value: 0.3}\n')), 'touchpoints[checkout].reach: expected a number, got a map')
case('list_for_bool', sub(('purchase: true}', 'purchase: ⟦[true]}')), 'stages[purchase].purchase: expected true or false, got a list')
case('string_for_number', sub(('dropout: 0.03}', 'dropout: ⟦abc}')), "stages[interest].dropout: expected a number, got 'abc'")
case('quoted_number', sub(('reach: 0.3\n', 'reach: ⟦"0.3"\n')), 'expected a number, got the string "0.3"')
case('float_for_int', sub(('{steps: 3, step_abandon: 0.1}', '{steps: ⟦2.5, step_abandon: 0.1}')), 'touchpoints[checkout].checkout.steps: expected a whole number in [1, 100], got \'2.5\'')
case('prob_above_one', sub(('stages: [awareness], reach: 0.1,', 'stages: [awareness], reach: ⟦1.4,')), 'touchpoints[ads].reach: expected a probability in [0, 1], got 1.4')
case('prob_negative', sub(('dropout: 0.05}', 'dropout: ⟦-0.1}')), 'stages[intent].dropout: expected a probability in [0, 1], got -0.1')
case('nan', sub(('advance: 0.2,', 'advance: ⟦.nan,')), 'touchpoints[ads].advance: expected a finite number')
case('inf', sub(('cost: 0.01}', 'cost: ⟦.inf}')), 'touchpoints[ads].cost: expected a finite number')
case('overflow', sub(('    share: 0.4\n', '    share: ⟦1e400\n')), 'personas[p2].share: expected a finite number')
case('negative_cost', sub(('cost: 0.01}', 'cost: ⟦-1}')), 'touchpoints[ads].cost: expected a number ≥ 0, got -1')
case('negative_share', sub(('    share: 0.4\n', '    share: ⟦-0.5\n')), 'personas[p2].share: expected a number ≥ 0, got -0.5')
case('shares_sum_zero', sub(('    share: 0.6\n', '    share: 0\n'), ('    share: 0.4\n', '    share: 0.0\n'), ('personas:\n  - name: p1', 'personas:\n  ⟦- name: p1')), 'the shares sum to 0')
case('mood_out_of_range', sub(('    mood: 0.1\n', '    mood: ⟦1.5\n')), 'personas[p1].mood: expected a mood in [-1, 1], got 1.5')
case('emotion_out_of_range', sub(('emotion: 0.05,', 'emotion: ⟦-2,')), 'touchpoints[ads].emotion: expected an emotion in [-1, 1], got -2')
case('mood_effect_out_of_range', sub(('name: bad\n', 'name: bad\nmood_effect: ⟦1.5\n')), 'mood_effect: expected a number in [0, 1], got 1.5')
case('negative_affinity', sub(('email: 0.5}', 'email: ⟦-0.5}')), 'personas[p1].affinity.email: expected a number ≥ 0')
case('negative_seed', sub(('name: bad\n', 'name: bad\nseed: ⟦-1\n')), 'seed: expected a whole number')
case('null_required_value', sub(('reach: 0.3\n', '⟦reach:\n')), 'touchpoints[checkout].reach: expected a number, got nothing')
case('bool_misspelt', sub(('purchase: true}', 'purchase: ⟦yess}')), "stages[purchase].purchase: expected true or false, got 'yess'")

# --- empty lists / missing keys / duplicates
case('empty_stages', sub(*[(l + '\n', '') for l in BASE.split('\n')[2:7]], ('stages:\n', 'stages: ⟦[]\n')), 'stages: expected at least one stage')
case('empty_personas', '\n'.join(BASE.split('\n')[0:7]) + '\npersonas: ⟦[]\n' + '\n'.join(BASE.split('\n')[19:]), 'personas: expected at least one persona')
case('empty_touchpoints', '\n'.join(BASE.split('\n')[0:19]) + '\ntouchpoints: ⟦[]\n', 'touchpoints: expected at least one touchpoint')
case('missing_name', '⟦' + BASE.replace('name: bad\n', 'description: no name\n', 1), "missing required key 'name' in the scenario")
case('missing_reach', sub(('{name: ads, channel: social, stages: [awareness], reach: 0.1, advance', '⟦{name: ads, channel: social, stages: [awareness], advance')), "touchpoints[ads]: missing required key 'reach' in touchpoint")
case('missing_channel', sub(('  - name: checkout\n    channel: website\n', '  - ⟦name: checkout\n')), "touchpoints[checkout]: missing required key 'channel'")
case('missing_share', sub(('  - name: p2\n    share: 0.4\n', '  - ⟦name: p2\n    mood: 0.2\n')), "personas[p2]: missing required key 'share'")
case('duplicate_stage_name', sub(('{name: loyalty,', '{name: ⟦interest,')), "duplicate stage name 'interest' (first defined at line 5)")
case('duplicate_persona_name', sub(('  - name: p2\n', '  - name: ⟦p1\n')), "duplicate persona name 'p1' (first defined at line 10)")
case('duplicate_touchpoint_name', sub(('{name: newsletter,', '{name: ⟦ads,')), "duplicate touchpoint name 'ads' (first defined at line 22)")
case('duplicate_variant_name', sub(('  - name: remarketing\n', '  - name: ⟦short_checkout\n')), "duplicate variant name 'short_checkout' (first defined at line 31)")
case('duplicate_key', sub(('reach: 0.1, advance: 0.2,', 'reach: 0.1, advance: 0.2, ⟦reach: 0.3,')), "duplicate key 'reach'")
case('duplicate_key_block', sub(('    kind: moment_of_truth\n', '    kind: moment_of_truth\n    ⟦channel: email\n')), "duplicate key 'channel' (first at line 25)")
case('duplicate_stage_in_touchpoint', sub(('stages: [interest, intent]', 'stages: [interest, intent, ⟦interest]')), "stage 'interest' is listed twice")
case('name_with_dot', sub(('{name: ads,', '{name: ⟦ads.v2,')), "touchpoint name 'ads.v2' contains '.'")
case('name_too_long', sub(('  - name: p2\n', '  - name: ⟦' + 'p' * 65 + '\n')), 'is longer than 64 characters')
case('variant_name_is_baseline', sub(('  - name: remarketing\n', '  - name: ⟦baseline\n')), "variant name 'baseline' is the baseline's name")
case('attribute_type_mismatch', sub(('  - name: p2\n    share: 0.4\n', '  - name: p2\n    share: 0.4\n    attributes: {tier: ⟦{uniform: [1, 3]}}\n')), "attribute 'tier' is a choice in persona 'p1' but numeric here")

# --- distributions
case('beta_a_zero', sub(('patience: {beta: [2, 2]}', 'patience: {beta: [⟦0, 2]}')), 'personas[p1].attributes.patience.beta: expected a > 0, got 0')
case('normal_sd_negative', sub(('{normal: [30, 5], min: 18}', '{normal: [30, ⟦-5], min: 18}')), 'personas[p1].attributes.age.normal: expected sd ≥ 0, got -5')
case('uniform_lo_gt_hi', sub(('{normal: [30, 5], min: 18}', '{uniform: ⟦[60, 18]}')), 'personas[p1].attributes.age.uniform: lo (60) is greater than hi (18)')
case('uniform_wrong_length', sub(('{normal: [30, 5], min: 18}', '{uniform: ⟦[18, 40, 60]}')), 'personas[p1].attributes.age.uniform: expected [lo, hi] (a list of 2 numbers), got 3 items')
case('min_greater_than_max', sub(('{normal: [30, 5], min: 18}', '{normal: [30, 5], min: 18, max: ⟦16}')), 'personas[p1].attributes.age: max (16) is less than min (18)')
case('choice_weights_zero', sub(('{choice: {gold: 1, silver: 3}}', '{choice: ⟦{gold: 0, silver: 0}}')), 'personas[p1].attributes.tier.choice: the weights must sum to a finite number > 0')
case('choice_with_min', sub(('{choice: {gold: 1, silver: 3}}', '{choice: {gold: 1, silver: 3}, ⟦min: 0}')), 'min cannot clip a choice')
case('two_distribution_kinds', sub(('{normal: [30, 5], min: 18}', '{normal: [30, 5], ⟦uniform: [18, 60]}')), "found both 'normal' and 'uniform'")
case('engine_attribute_unclipped', sub(('patience: {beta: [2, 2]}', 'patience: ⟦{normal: [0.5, 0.2]}')), 'personas[p1].attributes.patience: patience must stay in [0, 1]')
case('engine_attribute_fixed_out_of_range', sub(('patience: {beta: [2, 2]}', 'patience: {beta: [2, 2]}\n      tech_savvy: ⟦1.5')), 'personas[p1].attributes.tech_savvy: tech_savvy must stay in [0, 1]')
case('engine_attribute_choice', sub(('patience: {beta: [2, 2]}', 'patience: ⟦{choice: {low: 1, high: 1}}')), 'patience is used by the engine and must be a number in [0, 1], not a choice')
case('basket_negative', sub(('basket: {lognormal: [3, 0.5]}', 'basket: ⟦{normal: [50, 10]}')), 'personas[p1].basket: basket can be negative: add min: 0')
case('target_choice_attribute', sub(('target: {cart_abandoned: true}', 'target: {⟦tier: {min: 1}}')), "attribute 'tier' is a choice")

# --- model rules
case('no_purchase_stage', sub(('{name: purchase, phase: purchase, purchase: true}', '{name: purchase, phase: purchase}'), ('stages:\n  - {name: awareness', 'stages:\n  ⟦- {name: awareness')), 'stages: no stage has purchase: true; the model needs one to count conversions')
case('purchase_rate_not_last', sub(('{name: intent, phase: purchase, dropout: 0.05}', '{name: intent, phase: purchase, dropout: 0.05, ⟦purchase_rate: 0.1}')), 'only the last stage may have a purchase_rate')
case('checkout_steps_huge', sub(('{steps: 3, step_abandon: 0.1}', '{steps: ⟦1000000, step_abandon: 0.1}')), 'touchpoints[checkout].checkout.steps: expected a whole number in [1, 100], got 1000000')
case('horizon_huge', sub(('name: bad\n', 'name: bad\nhorizon_days: ⟦1000000\n')), 'horizon_days: expected a whole number in [1, 10000], got 1000000')
case('population_zero', sub(('name: bad\n', 'name: bad\npopulation: ⟦0\n')), 'population: expected a whole number in [1, 1000000000000], got 0')
case('population_huge', sub(('name: bad\n', 'name: bad\npopulation: ⟦2e12\n')), 'population: expected a whole number in [1, 1000000000000], got 2e12')
case('advance_with_checkout', sub(('    reach: 0.3\n    checkout:', '    reach: 0.3\n    advance: 0.5\n    ⟦checkout:')), 'touchpoints[checkout]: advance cannot be used together with checkout')
# --- what `run` could not run must be refused by `validate` too (issue 14)
labels255 = ', '.join(f'l{i}: 1' for i in range(255))
case('choice_255_labels', sub(('{choice: {gold: 1, silver: 3}}', '{choice: {' + labels255.replace('l254: 1', '⟦l254: 1') + '}}')), 'at most 254 labels')
labels_a = ', '.join(f'a{i}: 1' for i in range(200))
labels_b = ', '.join(f'b{i}: 1' for i in range(60))
case('choice_labels_union', sub(('{choice: {gold: 1, silver: 3}}', '{choice: {' + labels_a + '}}'), ('  - name: p2\n    share: 0.4\n', '  - name: p2\n    share: 0.4\n    attributes: {tier: ⟦{choice: {' + labels_b + '}}}\n')), "attribute 'tier' has 260 different labels over all personas; at most 254")
case('cost_overflow', sub(('cost: 0.01}', 'cost: ⟦1.7e308}')), 'touchpoints[ads].cost: at most 1e+12 per touch')
case('basket_sigma_huge', sub(('basket: {lognormal: [3, 0.5]}', 'basket: {lognormal: [3, ⟦1000000]}')), 'sigma 1000000 is of the log of the value')
case('basket_mu_huge', sub(('basket: {lognormal: [3, 0.5]}', 'basket: {lognormal: ⟦[800, 0]}')), 'write lognormal: {mean: 800, sd: 0}')
case('basket_normal_huge', sub(('basket: {lognormal: [3, 0.5]}', 'basket: ⟦{normal: [1e13, 1], min: 0}')), 'more than 1e+12')
# --- misplacements the did-you-mean cannot see (no close name)
case('decimal_comma', sub(('cost: 0.01}', 'cost: 0,⟦03}')), "unknown key '03' in touchpoint (a decimal comma?")
case('steps_on_touchpoint', sub(('    checkout: {steps: 3, step_abandon: 0.1}\n', '    ⟦steps: 3\n')), "unknown key 'steps' in touchpoint (it belongs to the checkout: write checkout: {steps: …})")
case('base_unknown_far', append('  - name: later\n    base: ⟦zzzzzz\n    set: {mood_effect: 0.1}\n'), "base: no variant 'zzzzzz' (the variants are: short_checkout, remarketing, later, baseline)")
case('discount_one', sub(('cost: 0.01}', 'cost: 0.01, discount: ⟦1}')), 'touchpoints[ads].discount: expected a discount in [0, 1)')
case('empty_touchpoint_stages', sub(('stages: [awareness]', 'stages: ⟦[]')), 'touchpoints[ads].stages: expected at least one stage')
case('sweep_not_a_map', sub(('name: bad\n', 'name: bad\nsweep: ⟦[1, 2]\n')), 'sweep: expected a map')
case('change_costs_not_a_map', sub(('name: bad\n', 'name: bad\nchange_costs: ⟦[1, 2]\n')), 'change_costs: expected a map of PATH: AMOUNT')
case('change_costs_text', sub(('name: bad\n', 'name: bad\nchange_costs: {touchpoints.checkout.reach: ⟦lots}\n')), 'change_costs.touchpoints.checkout.reach')
case('change_costs_unknown_key', sub(('name: bad\n', 'name: bad\nchange_costs: {touchpoints.checkout.reach: {per_unit: 1, ⟦when: 0}}\n')), 'when')
case('change_costs_unknown_touchpoint', sub(('name: bad\n', 'name: bad\nchange_costs: {⟦touchpoints.chekout.checkout.steps: 500}\n')), "change_costs: no touchpoint 'chekout' — did you mean 'checkout'?")
case('change_costs_unknown_path', sub(('name: bad\n', 'name: bad\nchange_costs: {⟦touchpoints.checkout.checkout.stpes: 500}\n')), "change_costs: unknown key 'stpes' for a checkout — did you mean 'steps'?")
case('change_costs_variant_touchpoint', sub(('name: bad\n', 'name: bad\nchange_costs: {⟦touchpoints.cart_ads.reach: {per_unit: 5000, today: 0}}\n')), "change_costs: touchpoint 'cart_ads' exists only in variant 'remarketing' (its add:)")
case('change_costs_map_path', sub(('name: bad\n', 'name: bad\nchange_costs: {⟦touchpoints.checkout.checkout: 500}\n')), "touchpoints.checkout.checkout is a map, not one number a lever can move")
case('change_costs_negative', sub(('name: bad\n', 'name: bad\nchange_costs: {touchpoints.checkout.checkout.steps: ⟦-500}\n')), "expected an amount ≥ 0 per unit the lever moves (either way), got -500")
case('change_costs_today_contradicts', sub(('name: bad\n', 'name: bad\nchange_costs: {touchpoints.checkout.checkout.steps: {per_unit: 500, today: ⟦2}}\n')), "today: the scenario writes 3 at touchpoints.checkout.checkout.steps")
case('change_costs_not_written', sub(('name: bad\n', 'name: bad\nchange_costs: {⟦touchpoints.checkout.cooldown_days: 500}\n')), "the scenario does not write today's value at touchpoints.checkout.cooldown_days")
case('variants_not_a_list', BASE[:BASE.index('variants:')] + 'variants: ⟦{short_checkout: {set: {mood_effect: 0}}}\n', 'variants: expected a list, got a map')

# --- variants
case('variant_base_cycle', append('  - name: a\n    base: b\n  - name: b\n    base: ⟦a\n'), 'variant base cycle: a → b → a')
case('variant_base_self', append('  - name: a\n    base: ⟦a\n'), 'variant base cycle: a → a')
case('variant_base_unknown', append('  - name: a\n    base: ⟦short_chekout\n'), "variant 'a': base: no variant 'short_chekout' — did you mean 'short_checkout'?")
case('set_path_names_nothing', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦touchpionts.checkout.reach: 0.5}')), "set: 'touchpionts.checkout.reach' names nothing that can be set — did you mean 'touchpoints'?")
case('random_stream_in_variant', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦random_stream: 1}')), "variant 'short_checkout': set: 'random_stream' cannot be set by a variant: all variants share the same agents and days")
case('random_stream_unknown', sub(('name: bad\n', 'name: bad\nrandom_stream: ⟦5\n')), 'random_stream: expected a whole number in [1, 4], got 5')
case('set_not_settable', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦horizon_days: 30}')), "set: 'horizon_days' cannot be set by a variant")
case('set_name_key', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦touchpoints.checkout.name: pay}')), 'set: the name of a touchpoint cannot be set')
case('set_stages_list', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦stages: []}')), "set: 'stages' cannot be set")
case('set_invalid_value', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {touchpoints.checkout.checkout.steps: ⟦0}')), "variant 'short_checkout': touchpoints[checkout].checkout.steps: expected a whole number in [1, 100], got 0")
case('set_creates_conflict', sub(('set: {touchpoints.checkout.checkout.steps: 2}', 'set: {⟦touchpoints.checkout.advance: 0.5}')), "variant 'short_checkout': touchpoints[checkout]: advance cannot be used together with checkout")
case('set_checkout_on_advance_tp', sub(('  - name: short_checkout\n    set: {touchpoints.checkout.checkout.steps: 2}', '  - name: short_checkout\n    set: {⟦touchpoints.ads.checkout: {steps: 2, step_abandon: 0.1}}')), "variant 'short_checkout': touchpoints[ads]: advance cannot be used together with checkout")
case('variant_add_stages', sub(('    add:\n      touchpoints:\n', '    add:\n      ⟦stages: [{name: extra}]\n      touchpoints:\n')), 'variants cannot add stages: all variants share the same stages/agents')
case('variant_add_personas', sub(('    add:\n      touchpoints:\n', '    add:\n      ⟦personas: [{name: p3, share: 1}]\n      touchpoints:\n')), 'variants cannot add personas')
case('variant_add_clash', sub(('{name: cart_ads,', '{name: ⟦checkout,')), "variant 'remarketing': duplicate touchpoint name 'checkout' (first defined at line 24)")
case('variant_add_invalid', sub(('reach: 0.2, advance: 0.1}\n', 'reach: ⟦2, advance: 0.1}\n')), "variant 'remarketing': touchpoints[cart_ads].reach: expected a probability in [0, 1], got 2")
case('variant_remove_unknown', append('  - name: fewer\n    remove: {touchpoints: [⟦newsleter]}\n'), "variant 'fewer': remove: no touchpoint 'newsleter' in the baseline — did you mean 'newsletter'?")
case('variant_remove_all', append('  - ⟦name: nothing_left\n    remove: {touchpoints: [ads, newsletter, checkout]}\n'), "variant 'nothing_left': touchpoints: expected at least one touchpoint")
case('variant_chained_invalid', append('  - name: shorter\n    base: short_checkout\n    remove: {touchpoints: [⟦cart_ads]}\n'), "remove: no touchpoint 'cart_ads' in base variant 'short_checkout'")
case('variant_missing_name', append('  - ⟦description: no name\n    set: {mood_effect: 0.1}\n'), "variants[#3]: missing required key 'name' in variant")

# --- model v2: arrivals, calendar, triggers and caps, budgets, money, referrals
ARR = 'name: bad\nhorizon_days: 90\narrivals: {daily: 0.01}\n'
def v2(extra_top='', tp_old=None, tp_new=None):
    t = BASE.replace('name: bad\n', ARR + extra_top, 1)
    if tp_old:
        assert t.count(tp_old) == 1, tp_old
        t = t.replace(tp_old, tp_new)
    return t
case('v2_calendar_outside_horizon', v2('calendar:\n  - {name: black_friday, from: 85, to: ⟦95, arrivals: 3}\n'), "calendar[black_friday].to: day 95 is outside the horizon (days run from 0 to 89)")
case('v2_calendar_ends_before_start', v2('calendar:\n  - {name: sale, from: 30, to: ⟦20}\n'), "the campaign ends (day 20) before it starts (day 30)")
case('v2_calendar_unknown_touchpoint', v2('calendar:\n  - {name: sale, from: 3, to: 9, reach: {⟦add: 2}}\n'), "no touchpoint 'add' — did you mean 'ads'?")
case('v2_calendar_arrivals_at_start', sub(('name: bad\n', 'name: bad\ncalendar:\n  - {name: sale, from: 3, to: 9, ⟦arrivals: 2}\n')), "a campaign can raise arrivals only when customers arrive over time")
case('v2_arrivals_not_probability', sub(('name: bad\n', 'name: bad\narrivals: {daily: ⟦1.5}\n')), "arrivals.daily: expected a probability in [0, 1]")
case('v2_arrivals_word', sub(('name: bad\n', 'name: bad\narrivals: ⟦begin\n')), "arrivals: expected start (everyone on day 0) or {daily: p}")
case('v2_trigger_unknown', sub(('{name: ads, channel: social, stages: [awareness], reach: 0.1,', '{name: ads, channel: social, stages: [awareness], trigger: ⟦cart_abandon, reach: 0.1,')), "unknown trigger 'cart_abandon' — did you mean 'cart_abandoned'?")
case('v2_delay_without_trigger', sub(('{name: ads, channel: social, stages: [awareness], reach: 0.1,', '{name: ads, channel: social, stages: [awareness], ⟦delay_days: 2, reach: 0.1,')), "delay_days needs a trigger")
case('v2_max_per_agent_zero', sub(('{name: ads, channel: social, stages: [awareness], reach: 0.1,', '{name: ads, channel: social, stages: [awareness], max_per_agent: ⟦0, reach: 0.1,')), "max_per_agent")
case('v2_budget_negative', sub(('advance: 0.2, emotion: 0.05, cost: 0.01}', 'advance: 0.2, emotion: 0.05, budget: {total: ⟦-500, cost_per_exposure: 0.1}}')), "a budget cannot be negative")
case('v2_budget_with_cost', sub(('advance: 0.2, emotion: 0.05, cost: 0.01}', 'advance: 0.2, emotion: 0.05, ⟦cost: 0.01, budget: {total: 500, cost_per_exposure: 0.1}}')), "cost cannot be used together with budget")
case('v2_budget_no_price', sub(('advance: 0.2, emotion: 0.05, cost: 0.01}', 'advance: 0.2, emotion: 0.05, budget: ⟦{total: 500}}')), "missing required key 'cost_per_exposure'")
case('v2_budget_total_and_per_day', sub(('advance: 0.2, emotion: 0.05, cost: 0.01}', 'advance: 0.2, emotion: 0.05, budget: ⟦{total: 500, per_day: 5, cost_per_exposure: 0.1}}')), "give either total (money over the horizon) or per_day, not both")
case('v2_budget_without_population', sub(('advance: 0.2, emotion: 0.05, cost: 0.01}', 'advance: 0.2, emotion: 0.05, budget: ⟦{total: 500, cost_per_exposure: 0.1}}')), "the scenario has budgets but no population:")
case('first_stage_purchase', sub(('  - {name: awareness, dropout: 0.02}', '  - {name: awareness, dropout: 0.02, purchase: ⟦true}')), "the first stage cannot be a purchase stage")
case('v2_margin_above_one', sub(('name: bad\n', 'name: bad\nmargin: ⟦45\n')), "margin: expected a gross margin in [0, 1]")
case('v2_margin_negative', sub(('name: bad\n', 'name: bad\nmargin: ⟦-0.1\n')), "margin: expected a gross margin in [0, 1]")
case('v2_lognormal_mean_as_mu', sub(('basket: {lognormal: [3, 0.5]}', 'basket: {lognormal: ⟦[90, 30]}')), "write lognormal: {mean: 90, sd: 30}")
case('v2_lognormal_mean_negative', sub(('basket: {lognormal: [3, 0.5]}', 'basket: {lognormal: {mean: ⟦-90, sd: 30}}')), "a lognormal's mean must be > 0")
case('v2_referrals_unknown_stage', v2('referrals: {advocates: [⟦loyal], rate: 0.05}\n'), "referrals.advocates: unknown stage 'loyal' — did you mean 'loyalty'?")
case('v2_referrals_at_start', sub(('name: bad\n', 'name: bad\nreferrals: ⟦{advocates: [loyalty], rate: 0.05}\n')), "with arrivals: start everyone arrives on day 0")
case('v2_referrals_enter_purchase', v2('referrals: {advocates: [loyalty], rate: 0.05, enter: ⟦purchase}\n'), "referrals.enter: a referred customer enters before the first purchase")
case('v2_referrals_missing_rate', v2('referrals: ⟦{advocates: [loyalty]}\n'), "missing required key 'rate'")
case('v2_reallocate_no_budget', append('  - name: move\n    reallocate: {from: ⟦ads, to: newsletter, share: 0.5}\n'), "reallocate: from: touchpoint 'ads' has no budget")
case('v2_reallocate_unknown', v2('', 'advance: 0.2, emotion: 0.05, cost: 0.01}', 'advance: 0.2, emotion: 0.05, budget: {total: 500, cost_per_exposure: 0.1}}') + '  - name: move\n    reallocate: {from: ads, to: ⟦newsleter, share: 0.5}\n', "reallocate: to: no touchpoint 'newsleter' — did you mean 'newsletter'?")
case('v2_reallocate_too_much', v2('', 'advance: 0.2, emotion: 0.05, cost: 0.01}', 'advance: 0.2, emotion: 0.05, budget: {total: 500, cost_per_exposure: 0.1}}').replace('  - {name: newsletter, channel: email, stages: [interest, intent], reach: 0.2, advance: 0.1, kind: success_point}', '  - {name: newsletter, channel: email, stages: [interest, intent], reach: 0.2, advance: 0.1, kind: success_point, budget: {total: 100, cost_per_exposure: 0.1}}') + '  - name: move\n    reallocate: {from: ads, to: newsletter, amount: ⟦900}\n', "reallocate: amount 900 is more than 'ads''s budget of 500")
case('v2_currency_not_code', sub(('name: bad\n', 'name: bad\ncurrency: ⟦[PLN]\n')), "currency")

os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    if f.endswith('.yaml'):
        os.remove(os.path.join(OUT, f))
seen = set()
for name, text, msg, at in cases:
    assert name not in seen, name
    seen.add(name)
    if at:
        open(os.path.join(OUT, name + '.yaml'), 'w').write(f'# expect: {at[0]}:{at[1]}: {msg}\n' + text)
        continue
    assert text.count(M) == 1, name
    full = '# expect: L:C: ' + msg + '\n' + text
    b = full.encode('utf-8', 'surrogateescape')
    mb = M.encode()
    pos = b.index(mb)
    b = b[:pos] + b[pos + len(mb):]
    line = b[:pos].count(b'\n') + 1
    col = pos - (b.rfind(b'\n', 0, pos) + 1) + 1
    b = b.replace(b'# expect: L:C: ', f'# expect: {line}:{col}: '.encode(), 1)
    open(os.path.join(OUT, name + '.yaml'), 'wb').write(b)
print(len(cases), 'files')
