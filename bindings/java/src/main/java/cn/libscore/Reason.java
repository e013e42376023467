package cn.libscore;

/**
 * One reason: a feature that pushes the risk up, its stable code (docs/reasons.md) and a
 * text in Chinese and English quoting the enterprise's own numbers.
 */
public record Reason(int feature, String code, String textZh, String textEn) {}
