package cn.libscore;

import java.util.List;

/**
 * The score of one row: the margin (the trees' raw output), the calibrated 12-month
 * probability of default, the score on the model's scale, the grade's index and name on its
 * master scale, and the reasons, strongest first.
 */
public record Scored(double margin, double pd, int score, int grade, String gradeName,
                     List<Reason> reasons) {}
