using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Tests.Training;

public class ScheduleAndSeedTests
{
    [Fact]
    public void Schedules_give_the_expected_rates()
    {
        Assert.Equal(0.1f, LearningRateSchedule.Parse("constant").RateAt(0.1f, 7, 10));
        var step = LearningRateSchedule.Parse("step:3:0.5");
        Assert.Equal([1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.25f], Enumerable.Range(0, 7).Select(e => step.RateAt(1f, e, 10)));
        var cosine = LearningRateSchedule.Parse("cosine");
        Assert.Equal(1f, cosine.RateAt(1f, 0, 10), 6);
        Assert.Equal(0.5f, cosine.RateAt(1f, 5, 10), 6);
        Assert.True(cosine.RateAt(1f, 9, 10) < 0.03f);
        Assert.Throws<FormatException>(() => LearningRateSchedule.Parse("exponential"));
    }

    [Fact]
    public void Derived_seeds_differ_by_every_part()
    {
        var seeds = new[] { Seeds.Derive(1, 0, 1), Seeds.Derive(1, 1, 1), Seeds.Derive(1, 0, 2), Seeds.Derive(2, 0, 1) };
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
        Assert.Equal(Seeds.Derive(1, 0, 1), Seeds.Derive(1, 0, 1));
    }
}
