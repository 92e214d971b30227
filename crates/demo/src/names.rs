//! Deterministic Chinese personal names for demo staff.

use rand::Rng;

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉玉兰海波峰宇鹏飞燕丹晓东亮斌晨雪梅琳浩然俊杰佳慧欣怡嘉诚振华新民立新永胜德明春生";

pub fn person<R: Rng>(rng: &mut R) -> String {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let mut name = String::new();
    name.push(s[rng.random_range(0..s.len())]);
    name.push(g[rng.random_range(0..g.len())]);
    if rng.random_bool(0.6) {
        name.push(g[rng.random_range(0..g.len())]);
    }
    name
}
