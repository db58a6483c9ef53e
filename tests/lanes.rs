//! Lanes and their limiters: made on a number's first use, and reused by a
//! later number once the first has gone idle and its limiters forgot it.

use crate::helpers::*;
use a2psim::scenario::model::Outcome;

fn pool(number_limit: &str) -> String {
    format!(
        r#"{HEAD}
[account]
sms_mps = 100
[[senders]]
id = "tf"
type = "toll_free"
numbers = 100000
{number_limit}
[[traffic]]
name = "t"
sender = "tf"
arrival = {{ process = "constant", rate = "10/s", count = 1000 }}
"#
    )
}

#[test]
fn a_large_pool_reuses_the_lanes_of_numbers_that_went_idle() {
    // 1,000 messages, one every 100 ms, through a pool of 100,000 toll-free
    // numbers: each message takes a new number and is sent at once.
    // At 25/s in windows of 1 s, a number's window forgets it when the
    // window ends, so the lanes of the number used at 0 s serve the one at
    // 1 s: 10 numbers' lanes (40, one per carrier) serve all 1,000.
    let (log, end) = run_log(&scenario(&pool("")));
    assert_eq!(count(&log, Outcome::Delivered), 1000);
    assert_eq!(dispatch_secs(&log).last(), Some(&99.9));
    assert_eq!(end.lanes, 40);
    // At 1/s smooth, the number used at 0 s has its next slot at 1 s: it is
    // forgotten only after that instant, so 11 numbers' lanes are needed.
    let (log, end) = run_log(&scenario(&pool("sms_rate = 1\nshape = \"smooth\"")));
    assert_eq!(count(&log, Outcome::Delivered), 1000);
    assert_eq!(end.lanes, 44);
}

#[test]
fn a_number_limit_the_account_can_never_fill_holds_no_lanes() {
    // 1,000 messages at 4/s through the pool, behind the default 5/s
    // account window. The account passes at most 15 messages in any
    // second, so a toll-free number's 25/s can never be short: it is left
    // off the paths, and the lanes of the number used at 0 s serve the
    // next number as soon as they are idle: 4 lanes (one per carrier)
    // serve all 1,000. With the number's limit kept, its window would
    // remember each number for a second: 4 numbers' lanes, 16.
    let sc = scenario(&format!(
        r#"{HEAD}
[[senders]]
id = "tf"
type = "toll_free"
numbers = 100000
[[traffic]]
name = "t"
sender = "tf"
arrival = {{ process = "constant", rate = "4/s", count = 1000 }}
"#
    ));
    let (log, end) = run_log(&sc);
    assert_eq!(count(&log, Outcome::Delivered), 1000);
    assert_eq!(dispatch_secs(&log).last(), Some(&249.75));
    assert_eq!(end.lanes, 4);
}
