package cn.libscore;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;

/**
 * The binding against the real library and the shipped default model: the paths come from
 * system properties set by CMake (libscore.model, libscore.sample).
 */
public class BindingTest {
    static final String MODEL = System.getProperty("libscore.model");
    static final String SAMPLE = System.getProperty("libscore.sample");

    @Test
    public void versionIsMajorOne() {
        LibScore.checkVersion();
        assertTrue(LibScore.versionString().startsWith("1."));
    }

    @Test
    public void usccCheck() {
        assertTrue(LibScore.usccValid("91330106MA2H7K4E13"));
        assertFalse(LibScore.usccValid("91330106MA2H7K4E14"));
        assertFalse(LibScore.usccValid("9133\0106MA2H7K4E1"));
        assertFalse(LibScore.usccValid(null));
    }

    @Test
    public void scoresTheSampleAsTheLibraryDoes() {
        try (Panel panel = new Panel(); Model model = Model.load(MODEL)) {
            Panel.ReadCounts counts = panel.readFile(SAMPLE, false);
            assertTrue(counts.accepted() > 0);
            assertEquals(200, panel.enterpriseCount());
            assertEquals(Model.Input.SIGNALS, model.input());
            String uscc = panel.enterprise(0);
            float[] row = panel.features(uscc, "2024-12");
            assertEquals(model.featureCount(), row.length);
            Scored s = model.scoreEnterprise(panel, uscc, "2024-12");
            double[] pd = model.predict(new float[][] {row});
            assertEquals(pd[0], s.pd(), 0.0);
            assertTrue(s.pd() > 0 && s.pd() < 1);
            assertTrue(s.score() >= 300 && s.score() <= 900);
            assertNotNull(s.gradeName());
            for (Reason r : s.reasons()) {
                assertFalse(r.code().isEmpty());
                assertFalse(r.textZh().isEmpty());
                assertFalse(r.textEn().isEmpty());
            }
            double[][] asDouble = new double[1][row.length];
            for (int j = 0; j < row.length; j++) {
                asDouble[0][j] = row[j];
            }
            assertEquals(pd[0], model.predict(asDouble)[0], 0.0);
        }
    }

    @Test
    public void badInputIsAnExceptionNamingIt() {
        ScoreException e = assertThrows(ScoreException.class, () -> Model.load("/no/such/model.json.gz"));
        assertTrue(e.getMessage(), e.getMessage().contains("/no/such/model.json.gz"));
        assertEquals(ScoreException.EIO, e.code());
        assertThrows(IllegalArgumentException.class, () -> Model.load("a\0b"));
        try (Model model = Model.load(MODEL)) {
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(new float[][] {new float[3]}));
            assertTrue(wrong.getMessage(), wrong.getMessage().contains("takes " + model.featureCount()));
            float[] inf = new float[model.featureCount()];
            inf[0] = Float.POSITIVE_INFINITY;
            assertThrows(IllegalArgumentException.class, () -> model.predict(new float[][] {inf}));
        }
        try (Panel panel = new Panel()) {
            ScoreException rejected = assertThrows(ScoreException.class,
                    () -> panel.add("91330106MA2H7K4E13", "power", "kwh", "2024-12", "9O412"));
            assertEquals(ScoreException.EREJECTED, rejected.code());
            assertEquals(Panel.Added.ACCEPTED,
                    panel.add("91330106MA2H7K4E13", "power", "kwh", "2024-12", "9412"));
            assertEquals(Panel.Added.REPLACED,
                    panel.add("91330106MA2H7K4E13", "power", "kwh", "2024-12", "9413"));
            assertEquals(Panel.Added.SKIPPED,
                    panel.add("91330106MA2H7K4E13", "esg", "score", "2024", "72"));
        }
    }

    @Test
    public void useAfterCloseThrowsAndCloseTwiceIsFine() {
        Model model = Model.load(MODEL);
        model.close();
        model.close();
        ScoreException e = assertThrows(ScoreException.class, model::metadata);
        assertEquals(ScoreException.ECLOSED, e.code());
        assertEquals("Model(closed)", model.toString());
    }

    @Test
    public void closeWaitsForCallsOnOtherThreads() throws Exception {
        Model model = Model.load(MODEL);
        float[][] rows = new float[2000][model.featureCount()];
        AtomicInteger scored = new AtomicInteger();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    while (true) {
                        model.predict(rows);
                        scored.incrementAndGet();
                    }
                } catch (ScoreException e) {
                    if (e.code() != ScoreException.ECLOSED) {
                        unexpected.set(e);
                    }
                } catch (Throwable e) {
                    unexpected.set(e);
                }
            });
            threads.add(th);
            th.start();
        }
        while (scored.get() < 20) {
            Thread.sleep(1);
        }
        model.close();
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(null, unexpected.get());
    }

    @Test
    public void pricingMatchesTheConfigurationAndJson() throws Exception {
        try (EnhanceConfig config = EnhanceConfig.defaults()) {
            EnhanceRequest r = EnhanceRequest.parse("{\"pd\": 0.01, \"lgd\": 0.45, \"amount\": 5000000,"
                    + " \"tenor_years\": 2.5, \"annual_sales\": 39000000,"
                    + " \"guarantee\": {\"share\": 0.5, \"pd\": 0.003}}");
            assertEquals(500000000L, r.amountFen());
            EnhanceConfig.Pricing p = config.compute(r);
            assertTrue(p.with().rate() <= p.without().rate());
            assertTrue(p.with().limitFen() <= r.amountFen());
            String json = config.toJson();
            try (EnhanceConfig again = EnhanceConfig.parse(json, "round trip")) {
                assertEquals(p.with().rate(), again.compute(r).with().rate(), 0.0);
            }
            ScoreException e = assertThrows(ScoreException.class,
                    () -> EnhanceRequest.parse("{\"amount\": 1, \"tenor_years\": 1, \"typo\": 1}"));
            assertTrue(e.getMessage(), e.getMessage().contains("typo"));
            assertThrows(ScoreException.class, () -> config.compute(new EnhanceRequest().amountFen(100).tenorYears(1)));
            Path bad = Files.createTempFile("enhance", ".json");
            Files.writeString(bad, "{\"funding_rate\": \"high\"}");
            ScoreException load = assertThrows(ScoreException.class, () -> EnhanceConfig.load(bad.toString()));
            assertTrue(load.getMessage(), load.getMessage().contains("funding_rate"));
            Files.delete(bad);
        }
    }
}
