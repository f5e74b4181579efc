using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Autograd;

/// <summary>Recording, accumulation and no-grad behaviour of the tape.</summary>
[TestFixture]
public sealed class TapeTests
{
    [Test]
    public void GradientsAccumulateAcrossBackwardPassesUntilZeroGrad()
    {
        var x = new Tensor([1f, 2f, 3f], [3], requiresGrad: true);
        Tensor loss = Ops.Sum(Ops.Mul(x, x));
        loss.Backward();
        Assert.That(x.Grad, Is.EqualTo(new[] { 2f, 4f, 6f }));
        loss.Backward(); // the same graph again: intermediates released their grads, leaves accumulate
        Assert.That(x.Grad, Is.EqualTo(new[] { 4f, 8f, 12f }));
        x.ZeroGrad();
        Assert.That(x.Grad, Is.Null);
    }

    [Test]
    public void DiamondGraphSumsBothPaths()
    {
        // y = sum(2x + x ⊙ x): dy/dx = 2 + 2x, reached through two branches of one node.
        var x = new Tensor([0.5f, -1f], [2], requiresGrad: true);
        Ops.Sum(Ops.Add(Ops.Scale(x, 2f), Ops.Mul(x, x))).Backward();
        Assert.That(x.Grad, Is.EqualTo(new[] { 3f, 0f }));
    }

    [Test]
    public void IntermediateGradientsAreReleased()
    {
        var x = new Tensor([1f, 2f], [2], requiresGrad: true);
        Tensor h = Ops.Scale(x, 3f);
        Ops.Sum(h).Backward();
        Assert.That(h.Grad, Is.Null);
        Assert.That(h.IsLeaf, Is.False);
        Assert.That(x.IsLeaf, Is.True);
    }

    [Test]
    public void NoGradRecordsNothingAndNests()
    {
        var x = new Tensor([1f, 2f], [2], requiresGrad: true);
        using (Tape.NoGrad())
        {
            using (Tape.NoGrad()) Assert.That(Tape.IsRecording, Is.False);
            Assert.That(Tape.IsRecording, Is.False);
            Tensor y = Ops.Gelu(Ops.Scale(x, 2f));
            Assert.That(y.RequiresGrad, Is.False);
            Assert.That(y.IsLeaf, Is.True);
        }

        Assert.That(Tape.IsRecording, Is.True);
        Assert.That(Ops.Scale(x, 2f).RequiresGrad, Is.True);
    }

    [Test]
    public void ConstantsAndDetachedTensorsGetNoGradient()
    {
        var x = new Tensor([1f, 2f], [2], requiresGrad: true);
        var c = new Tensor([5f, 7f], [2]);
        Ops.Sum(Ops.Add(Ops.Mul(x, c), Ops.Mul(x.Detach(), x))).Backward();
        Assert.That(c.Grad, Is.Null);
        // d/dx [x·c + stop(x)·x] = c + x.
        Assert.That(x.Grad, Is.EqualTo(new[] { 6f, 9f }));
    }

    [Test]
    public void BackwardOnAConstantThrows()
    {
        var c = new Tensor([1f], []);
        var ex = Assert.Throws<InvalidOperationException>(() => c.Backward());
        Assert.That(ex!.Message, Does.Contain("does not require grad"));
    }

    [Test]
    public void BackwardOfANonScalarNeedsASeedOfTheRightLength()
    {
        var x = new Tensor([1f, 2f], [2], requiresGrad: true);
        Tensor y = Ops.Scale(x, 2f);
        Assert.That(() => y.Backward(), Throws.ArgumentException.With.Message.Contains("seed"));
        Assert.That(() => y.Backward([1f]), Throws.ArgumentException.With.Message.Contains("the seed has 1 values"));
        y.Backward([1f, 10f]);
        Assert.That(x.Grad, Is.EqualTo(new[] { 2f, 20f }));
    }

    [Test]
    public void StraightThroughEstimatorViaCustomOp()
    {
        // sign(x) with BiBERT's STE: the gradient passes where |x| ≤ 1 and stops elsewhere.
        var sign = new CustomOp("SignSte",
            inputs => new CustomResult(inputs[0].Data.Select(v => v < 0 ? -1f : 1f).ToArray(), inputs[0].ShapeArray()),
            ctx =>
            {
                Span<float> dx = ctx.InputGrad(0);
                for (int i = 0; i < dx.Length; i++)
                {
                    if (Math.Abs(ctx.Inputs[0].Data[i]) <= 1f) dx[i] += ctx.OutputGrad[i];
                }
            });
        var x = new Tensor([-2f, -0.5f, 0.25f, 1f, 3f], [5], requiresGrad: true);
        Tensor y = sign.Apply(x);
        Assert.That(y.Data, Is.EqualTo(new[] { -1f, -1f, 1f, 1f, 1f }));
        y.Backward([1f, 2f, 3f, 4f, 5f]);
        Assert.That(x.Grad, Is.EqualTo(new[] { 0f, 2f, 3f, 4f, 0f }));
    }

    [Test]
    public void CustomOpStateReachesBackwardAndBadForwardIsReported()
    {
        var scaled = new CustomOp("ScaleByState",
            inputs => new CustomResult(inputs[0].Data.Select(v => v * 3f).ToArray(), inputs[0].ShapeArray(), 3f),
            ctx =>
            {
                Span<float> dx = ctx.InputGrad(0);
                for (int i = 0; i < dx.Length; i++) dx[i] += (float)ctx.State! * ctx.OutputGrad[i];
            });
        var x = new Tensor([1f, 2f], [2], requiresGrad: true);
        Ops.Sum(scaled.Apply(x)).Backward();
        Assert.That(x.Grad, Is.EqualTo(new[] { 3f, 3f }));

        var broken = new CustomOp("Broken", _ => new CustomResult(new float[3], [2]), _ => { });
        var ex = Assert.Throws<InvalidOperationException>(() => broken.Apply(x));
        Assert.That(ex!.Message, Does.Contain("Broken").And.Contain("3 values for shape [2]"));
    }

    [Test]
    public void CustomBackwardCannotWriteIntoAConstant()
    {
        var op = new CustomOp("Pair", inputs => new CustomResult((float[])inputs[0].Data.Clone(), inputs[0].ShapeArray()),
            ctx => ctx.InputGrad(1));
        var x = new Tensor([1f], [1], requiresGrad: true);
        var c = new Tensor([1f], [1]);
        Tensor y = op.Apply(x, c);
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward([1f]));
        Assert.That(ex!.Message, Does.Contain("Input 1"));
    }
}
